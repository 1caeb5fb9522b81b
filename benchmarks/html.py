"""The HTML report of a 2,000-reference manuscript: its size, and how fast a real browser renders it.

    .venv/bin/python benchmarks/html.py [--references 2000] [--repeat 3] [--write]

The manuscript is benchmarks/speed.py's synthetic author-year one (real corpus entries, three
citations each). The report is written by the CLI (`--format html`, offline), then opened from
file:// in headless Debian chromium driven by Selenium; the render time is the browser's own
navigation timing (`performance.getEntriesByType("navigation")[0].duration`: request to the
end of the load event, layout included), best of --repeat.
Target (issue 5): under 5 MB and under 2 s.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import results  # noqa: E402
import speed  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
TARGET_MB, TARGET_SECONDS = 5.0, 2.0


def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or shutil.which("chromium-browser")
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--window-size=1280,1000"):
        options.add_argument(argument)
    return webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--references", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        paper, page = Path(tmp, "paper.md"), Path(tmp, "report.html")
        citations = speed.generate("author-year", args.references, paper)
        start = time.perf_counter()
        subprocess.run([str(ROOT / ".venv" / "bin" / "refcheck"), str(paper), "--offline", "--format", "html", "-o", str(page)], check=False)
        write_seconds = time.perf_counter() - start
        megabytes = page.stat().st_size / 1e6
        driver = browser()
        try:
            loads = []
            for _ in range(args.repeat):
                driver.get("about:blank")
                driver.get(page.as_uri())
                loads.append(driver.execute_script('return performance.getEntriesByType("navigation")[0].duration') / 1000)
            rows = driver.execute_script('return document.querySelectorAll("table.findings tbody tr").length')
        finally:
            driver.quit()
    load = min(loads)
    table = "\n".join([
        f"{args.references:,} references, {citations:,} citations (benchmarks/speed.py's author-year manuscript), "
        f"{rows:,} findings in the table; best of {args.repeat}; headless Debian chromium via Selenium.",
        "",
        "| measure | result | target |",
        "|---|---:|---|",
        f"| report size | {megabytes:.2f} MB | {'met' if megabytes < TARGET_MB else 'NOT met'} (< {TARGET_MB:.0f} MB) |",
        f"| `refcheck --format html` (whole process) | {write_seconds:.2f} s | |",
        f"| browser: navigation to end of load event | {load:.2f} s | {'met' if load < TARGET_SECONDS else 'NOT met'} (< {TARGET_SECONDS:.0f} s) |",
        "",
        f"- command: `.venv/bin/python benchmarks/html.py --references {args.references} --repeat {args.repeat}`",
        "",
    ])
    print(table)
    if args.write:
        results.write_section("html", table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
