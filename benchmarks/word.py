"""DOCX benchmark: the 30 corpus articles as Word documents give the same links as their Markdown.

    .venv/bin/python benchmarks/word.py            # print the Markdown report
    .venv/bin/python benchmarks/word.py --write    # also store it in benchmarks/RESULTS.md (section "docx")

Each ``corpus/jats/md/<id>.md`` is built into a .docx with ``tests/docx_builder.py`` (python-docx;
one Word paragraph per Markdown paragraph, "References" as a Heading 1), once plain and once with
a Zotero field (CSL-JSON from the gold's structured references) on every citation. The
(citation text, linked entry) pairs of refcheck's reading of each must equal those of the
Markdown. Needs the test extra (python-docx).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
# this folder holds html.py, which would shadow the standard library's html module in-process:
# it goes to the end of the path, after the standard library
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != HERE] + [str(HERE)]

from results import write_section  # noqa: E402
from tests.docx_builder import from_markdown  # noqa: E402
from tests.test_docx import links  # noqa: E402

from refcheck.readers import read_text  # noqa: E402
from refcheck.readers.docx import read_bytes  # noqa: E402

CORPUS = Path("/work/shared/corpus/jats")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args(argv)
    rows, same, same_fields, records, seconds = [], 0, 0, 0, 0.0
    articles = sorted((CORPUS / "md").glob("*.md"))
    for path in articles:
        name, md = path.stem, path.read_text(encoding="utf-8")
        gold = json.loads((CORPUS / "gold" / f"{name}.json").read_text(encoding="utf-8"))
        expected = links(read_text(md, f"{name}.md"))
        plain_doc, zotero_doc = from_markdown(md).save(), from_markdown(md, gold=gold).save()
        began = time.perf_counter()
        plain = read_bytes(f"{name}.docx", plain_doc)
        seconds += time.perf_counter() - began
        fielded = read_bytes(f"{name}.docx", zotero_doc)
        records += len(fielded.bib)
        ok, ok_fields = links(plain) == expected, links(fielded) == expected
        same += ok
        same_fields += ok_fields
        rows.append(f"| {name} | {len(expected)} | {'same' if ok else '**differs**'} | {'same' if ok_fields else '**differs**'} | {len(fielded.bib)} |")
    lines = ["# DOCX: Word renderings of the corpus against their Markdown", "",
             f"- command: `python benchmarks/word.py{' --write' if args.write else ''}`; date {time.strftime('%Y-%m-%d %H:%M %Z')}",
             f"- same links as the Markdown: {same}/{len(articles)} plain, {same_fields}/{len(articles)} with Zotero fields "
             f"({records} reference-manager records read); reading the plain documents took {seconds:.2f} s in all", "",
             "| article | linked items (Markdown) | plain .docx | with Zotero fields | records |", "|---|---:|---|---|---:|", *rows]
    text = "\n".join(lines) + "\n"
    print(text, end="")
    if args.write:
        write_section("docx", text)
    return 0 if same == same_fields == len(articles) else 1


if __name__ == "__main__":
    sys.exit(main())
