"""PDF speed: whole-process time and peak memory of `refcheck FILE.pdf --offline --format json`.

    python benchmarks/pdf_speed.py --corpus /tmp/pdfcorpus [--write] [--repeat 5]

- **a 30-page article**: the typeset-corpus PDF (benchmarks/pdf_corpus.py, ``onecol``) whose page
  count is nearest 30, best of ``--repeat`` runs (target: under 2 s);
- **many pages**: PDFs of 125, 250, 500 and 1,000 pages made by appending the corpus's ``onecol``
  PDFs to one another (pypdfium2 ``import_pages``; about 20 articles' text, reference lists and
  all, per 400 pages), one run each: time and memory should grow no faster than the pages.

Each run is a child process; its wall time is measured here and its peak RSS comes from
``os.wait4``. The results go to benchmarks/RESULTS.md ("PDF speed") with ``--write``.
"""

from __future__ import annotations

import argparse
import csv
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import results  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PAGES = (125, 250, 500, 1000)


def run_once(python: str, path: Path) -> tuple[float, float, int]:
    """(wall seconds, peak RSS in MB, exit status) of one whole run."""
    start = time.perf_counter()
    proc = subprocess.Popen([python, "-m", "refcheck", str(path), "--offline", "--format", "json", "-o", os.devnull],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    return time.perf_counter() - start, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status)


def nearest(corpus: Path, pages: int) -> tuple[Path, int]:
    with (corpus / "manifest.tsv").open(encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle, delimiter="\t") if r["layout"] == "onecol"]
    row = min(rows, key=lambda r: (abs(int(r["pages"]) - pages), r["id"]))
    return corpus / "onecol" / f"{row['id']}.pdf", int(row["pages"])


def concatenated(corpus: Path, pages: int, out: Path) -> Path:
    """A PDF of ``pages`` pages: the corpus's onecol PDFs one after another, as many as it takes."""
    import pypdfium2 as pdfium  # noqa: PLC0415

    sources = sorted((corpus / "onecol").glob("*.pdf"))
    doc = pdfium.PdfDocument.new()
    k = 0
    while len(doc) < pages:
        src = pdfium.PdfDocument(str(sources[k % len(sources)]))
        take = min(len(src), pages - len(doc))
        doc.import_pages(src, list(range(take)))
        src.close()
        k += 1
    doc.save(str(out))
    doc.close()
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=Path("/tmp/pdfcorpus"))
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--python", default=str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv").exists() else sys.executable)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args(argv)

    article, pages = nearest(args.corpus, 30)
    run_once(args.python, article)  # warm: bytecode and the pattern cache
    runs = [run_once(args.python, article) for _ in range(args.repeat)]
    best = min(runs)
    lines = ["## PDF speed", "",
             f"`python benchmarks/pdf_speed.py --corpus {args.corpus}`: whole process, `refcheck FILE --offline --format json`, "
             f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs; wall time measured around the child, peak RSS from `os.wait4`.", "",
             "| input | pages | seconds | peak MB | exit |", "|---|---:|---:|---:|---:|",
             f"| {article.parent.name}/{article.name} (best of {args.repeat}; median {sorted(r[0] for r in runs)[len(runs) // 2]:.2f} s) "
             f"| {pages} | {best[0]:.2f} | {best[1]:.0f} | {best[2]} |"]
    with tempfile.TemporaryDirectory(prefix="refcheck-pdf-speed-") as tmp:
        for n in PAGES:
            path = concatenated(args.corpus, n, Path(tmp) / f"pages-{n}.pdf")
            seconds, mb, status = run_once(args.python, path)
            lines.append(f"| onecol PDFs appended | {n} | {seconds:.2f} | {mb:.0f} | {status} |")
    report = "\n".join(lines) + "\n"
    print(report)
    if args.write:
        results.write_section("pdf-speed", report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
