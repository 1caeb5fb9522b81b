"""The HTML report in a real browser: Debian's chromium, headless, driven by Selenium.

Skipped (with the reason) where chromium or chromium-driver is not installed; `.ci/run`
installs both. Screenshots are kept in `artifacts/` (ignored by git) for CI to collect.
"""

from __future__ import annotations

import shutil

import pytest

from refcheck.api import Config, check_paths
from refcheck.render import RENDERERS
from tests.conftest import ROOT, TODAY

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")
pytestmark = pytest.mark.skipif(not (CHROMIUM and DRIVER), reason="chromium and chromium-driver are not installed (apt-get install chromium chromium-driver)")
ARTIFACTS = ROOT / "artifacts"

HOSTILE = """\
Cells divide (Smith, 2019) <script>window.__pwned = 1</script> and "><img src=x onerror="window.__pwned = 2">.

## References

- Smith J. 2019. <script>window.__pwned = 3</script> A title. J 1:1. doi:10.1000/x"><script>window.__pwned=4</script>
- javascript:window.__pwned=5 Lee K. 2018. Another title. J 2:2.
"""


@pytest.fixture(scope="module")
def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                     "--disable-dev-shm-usage", "--window-size=1280,1000"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    yield driver
    driver.quit()


def report_page(tmp_path, path, name="report.html"):
    report = check_paths([path], Config(today=TODAY))
    out = tmp_path / name
    with out.open("w", encoding="utf-8") as handle:
        RENDERERS["html"](report, handle)
    return out


@pytest.fixture(scope="module")
def review_page(tmp_path_factory):
    return report_page(tmp_path_factory.mktemp("html"), ROOT / "review.md")


def test_the_page_loads_without_console_errors(browser, review_page):
    browser.get(review_page.as_uri())
    assert browser.title.endswith("review.md") and browser.title.startswith("refcheck report")
    errors = [entry for entry in browser.get_log("browser") if entry["level"] in ("SEVERE", "ERROR")]
    assert errors == []
    ARTIFACTS.mkdir(exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / "report-review-desktop.png"))
    browser.set_window_size(390, 900)
    browser.save_screenshot(str(ARTIFACTS / "report-review-phone.png"))
    browser.set_window_size(1280, 1000)


def test_a_click_on_a_citation_scrolls_to_its_reference(browser, review_page):
    from selenium.webdriver.common.by import By

    browser.get(review_page.as_uri())
    citation = browser.find_elements(By.CSS_SELECTOR, "a.cite")[10]
    target = citation.get_attribute("href").split("#", 1)[1]
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", citation)
    citation.click()
    assert browser.execute_script("return location.hash") == f"#{target}"
    top = browser.execute_script("return document.getElementById(arguments[0]).getBoundingClientRect().top", target)
    assert 0 <= top < browser.execute_script("return window.innerHeight")


def test_the_severity_and_rule_filters_hide_rows(browser, review_page):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    browser.get(review_page.as_uri())

    def visible(severity=None):
        rows = browser.find_elements(By.CSS_SELECTOR, "table.findings tbody tr")
        return [r for r in rows if r.is_displayed() and (severity is None or r.get_attribute("data-severity") == severity)]

    assert len(visible()) == 10  # review.md's findings, citation-context's among them
    info = browser.find_element(By.CSS_SELECTOR, 'input[data-severity="info"]')
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", info)
    info.click()
    assert visible("info") == [] and len(visible()) == 6
    info.click()
    Select(browser.find_element(By.ID, "rule-filter")).select_by_value("citation-after-manuscript-date")
    assert {r.get_attribute("data-rule") for r in visible()} == {"citation-after-manuscript-date"} and len(visible()) == 2


def test_injected_script_never_runs(browser, tmp_path):
    paper = tmp_path / "hostile.md"
    paper.write_text(HOSTILE, encoding="utf-8")
    page = report_page(tmp_path, paper, "hostile.html")
    browser.get(page.as_uri())
    assert browser.execute_script("return typeof window.__pwned") == "undefined"
    assert "<script>window.__pwned = 1</script>" in browser.find_element("tag name", "body").text


def test_the_report_with_crossref_shows_records_beside_the_printed_entries(browser, tmp_path):
    """review.md with Crossref replayed from the cassettes: the comparison tables render."""
    import vcr
    from selenium.webdriver.common.by import By

    from refcheck.crossref.client import CrossrefClient
    from tests.test_crossref_review import Replay

    recorder = vcr.VCR(record_mode="none", match_on=["method", "scheme", "host", "port", "path", "query"])
    with recorder.use_cassette(str(ROOT / "cassettes" / "review.yaml")):
        client = CrossrefClient(Replay(), error_budget=1.0, threads=1, sleep=lambda seconds: None)
        report = check_paths([ROOT / "review.md"], Config(today=TODAY), crossref=client)
    page = tmp_path / "crossref.html"
    with page.open("w", encoding="utf-8") as handle:
        RENDERERS["html"](report, handle)
    browser.get(page.as_uri())
    assert [e for e in browser.get_log("browser") if e["level"] in ("SEVERE", "ERROR")] == []
    entry_11 = browser.find_element(By.ID, "ref-r11")
    browser.execute_script("arguments[0].scrollIntoView({block: 'start'});", entry_11)
    assert "S233-S245" in entry_11.text.replace("–", "-") and "10.33549/physiolres.935186" in entry_11.text
    ARTIFACTS.mkdir(exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / "report-crossref-entry-11-desktop.png"))
    browser.set_window_size(390, 900)
    browser.execute_script("arguments[0].scrollIntoView({block: 'start'});", entry_11)
    browser.save_screenshot(str(ARTIFACTS / "report-crossref-entry-11-phone.png"))
    browser.set_window_size(1280, 1000)


def test_a_column_header_sorts_the_findings(browser, review_page):
    from selenium.webdriver.common.by import By

    browser.get(review_page.as_uri())
    button = browser.find_element(By.CSS_SELECTOR, 'table.findings th button[data-key="code"]')
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", button)
    button.click()
    codes = [r.get_attribute("data-code") for r in browser.find_elements(By.CSS_SELECTOR, "table.findings tbody tr")]
    assert codes == sorted(codes) and len(set(codes)) > 1
    button.click()  # again: the other way round
    again = [r.get_attribute("data-code") for r in browser.find_elements(By.CSS_SELECTOR, "table.findings tbody tr")]
    assert again == sorted(codes, reverse=True)


def test_a_pdf_s_report_shows_pages_and_finds_places_by_page_and_line(browser, tmp_path):
    """A two-page PDF (tests/test_pdf.py): the extracted text marks where page 2 begins, the
    finding's place reads as a reader of the PDF counts (page and line), and its link shows the entry."""
    from selenium.webdriver.common.by import By

    from tests.test_pdf import two_page_paper

    paper = tmp_path / "paper.pdf"
    paper.write_bytes(two_page_paper())
    browser.get(report_page(tmp_path, paper, "pdf.html").as_uri())
    assert [e for e in browser.get_log("browser") if e["level"] in ("SEVERE", "ERROR")] == []
    assert [m.text for m in browser.find_elements(By.CSS_SELECTOR, ".manuscript-text .page-break")] == ["page 2"]
    row = browser.find_element(By.CSS_SELECTOR, 'table.findings tr[data-rule="reference-never-cited"]')
    link = row.find_element(By.CSS_SELECTOR, 'td[data-label="Location"] a')
    assert link.text.endswith("paper.pdf, page 2, line 5")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", link)
    link.click()
    target = browser.execute_script("return location.hash")[1:]
    entry = browser.find_element(By.ID, target)
    assert entry.text.lstrip().startswith("Ward PS") or "Ward PS" in entry.text
    ARTIFACTS.mkdir(exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / "report-pdf-desktop.png"))
