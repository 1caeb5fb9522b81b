"""Build .docx files for the DOCX reader's tests.

python-docx makes the package (styles, numbering, settings) and plain paragraphs; what it
cannot make is written as WordprocessingML and appended to its paragraphs: reference-manager
fields (Zotero, Mendeley, EndNote), footnote and endnote marks, tracked changes. Footnotes and
endnotes are parts python-docx does not create: ``Document.save`` adds them to the ZIP with
their relationships and content types. Hostile files (ZIP bombs, encrypted members) are ZIPs
made by hand, since ``zipfile`` refuses to write them.

Corpus articles (``/work/shared/corpus/jats/md``, CC BY) become documents with
``from_markdown``: each Markdown line one paragraph, ``#`` the Title, ``##`` Heading 1 and so
on, ``- `` reference entries plain paragraphs, ``<sup>``/``<sub>`` real superscript and
subscript runs.
"""

from __future__ import annotations

import base64
import io
import json
import re
import struct
import zipfile
import zlib
from xml.sax.saxutils import escape

import docx
from docx.oxml import parse_xml

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = f'xmlns:w="{W_NS}"'
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


class Xml(str):
    """WordprocessingML for one or more runs (or other paragraph content), appended as it is."""


def _props(sup: bool = False, sub: bool = False, italic: bool = False, bold: bool = False, style: str | None = None) -> str:
    props = []
    if style:
        props.append(f'<w:rStyle w:val="{style}"/>')
    if bold:
        props.append("<w:b/>")
    if italic:
        props.append("<w:i/>")
    if sup or sub:
        props.append(f'<w:vertAlign w:val="{"superscript" if sup else "subscript"}"/>')
    return f"<w:rPr>{''.join(props)}</w:rPr>" if props else ""


def run(text: str, **props) -> Xml:
    """One run of text: ``run("1,2", sup=True)``, ``run("Nature", italic=True)``."""
    return Xml(f'<w:r>{_props(**props)}<w:t xml:space="preserve">{escape(text)}</w:t></w:r>')


def inline(text: str) -> Xml:
    """Markdown-ish text as runs: ``<sup>..</sup>`` and ``<sub>..</sub>`` become real superscript
    and subscript runs; everything else stays as written."""
    runs = []
    for piece in re.split(r"(<su[pb]>.*?</su[pb]>)", text):
        if not piece:
            continue
        m = re.fullmatch(r"<(su[pb])>(.*?)</su[pb]>", piece)
        if m:
            runs.append(run(m.group(2), sup=m.group(1) == "sup", sub=m.group(1) == "sub"))
        else:
            runs.append(run(piece))
    return Xml("".join(runs))


def deleted(text: str) -> Xml:
    """Text removed with Track Changes on: still in the file, not in the document."""
    return Xml(f'<w:del w:id="901" w:author="Reviewer" w:date="2024-01-01T00:00:00Z"><w:r>'
               f'<w:delText xml:space="preserve">{escape(text)}</w:delText></w:r></w:del>')


def inserted(text: str) -> Xml:
    """Text added with Track Changes on: part of the document."""
    return Xml(f'<w:ins w:id="902" w:author="Reviewer" w:date="2024-01-01T00:00:00Z">{run(text)}</w:ins>')


def field(instruction: str, display: str | Xml, *, sup: bool = False, pieces: int = 3, data: str | None = None) -> Xml:
    """A complex field (begin, instruction, separate, result, end) as Word writes it: the
    instruction split over several runs, the result as displayed."""
    size = max(1, -(-len(instruction) // pieces))
    chunks = [instruction[i : i + size] for i in range(0, len(instruction), size)] or [""]
    instr = "".join(f'<w:r><w:instrText xml:space="preserve">{escape(c)}</w:instrText></w:r>' for c in chunks)
    begin = f"<w:fldData>{data}</w:fldData>" if data else ""
    result = display if isinstance(display, Xml) else run(display, sup=True) if sup else inline(display)
    return Xml(f'<w:r><w:fldChar w:fldCharType="begin">{begin}</w:fldChar></w:r>{instr}'
               f'<w:r><w:fldChar w:fldCharType="separate"/></w:r>{result}<w:r><w:fldChar w:fldCharType="end"/></w:r>')


def csl_item(ref: dict, number: int) -> dict:
    """CSL-JSON for one gold reference of the corpus (``gold/<id>.json`` refs[])."""
    data = {"id": number, "type": "article-journal" if ref.get("publication_type") == "journal" else "book"}
    authors = [{"family": a["surname"], "given": a.get("given") or ""} for a in ref.get("authors") or [] if a.get("surname")]
    if authors:
        data["author"] = authors
    if ref.get("year"):
        data["issued"] = {"date-parts": [[re.sub(r"\D", "", ref["year"])[:4] or ref["year"]]]}
    for key, value in (("title", ref.get("article_title") or ref.get("chapter_title")), ("container-title", ref.get("source")),
                       ("volume", ref.get("volume")), ("issue", ref.get("issue")), ("DOI", ref.get("doi"))):
        if value:
            data[key] = value
    if ref.get("fpage"):
        data["page"] = ref["fpage"] + (f"-{ref['lpage']}" if ref.get("lpage") else "")
    return data


def zotero(display: str | Xml, items: list[dict], *, sup: bool = False, mendeley: bool = False) -> Xml:
    """A Zotero (or Mendeley) citation field citing these CSL-JSON items."""
    if mendeley:
        cited = [{"id": f"ITEM-{i + 1}", "itemData": item, "uris": [f"http://www.mendeley.com/documents/?uuid={item['id']}"]}
                 for i, item in enumerate(items)]
        payload = {"citationItems": cited, "properties": {"noteIndex": 0}, "schema": "https://github.com/citation-style-language/schema/raw/master/csl-citation.json"}
        return field(f" ADDIN CSL_CITATION {json.dumps(payload)} ", display, sup=sup)
    cited = [{"id": item["id"], "uris": [f"http://zotero.org/users/1/items/ITEM{item['id']}"], "itemData": item} for item in items]
    payload = {"citationID": "a1b2c3", "properties": {"formattedCitation": str(display), "plainCitation": str(display), "noteIndex": 0},
               "citationItems": cited, "schema": "https://github.com/citation-style-language/schema/raw/master/csl-citation.json"}
    return field(f" ADDIN ZOTERO_ITEM CSL_CITATION {json.dumps(payload)} ", display, sup=sup)


def endnote_record(number: int, authors: list[str], year: str, title: str, journal: str, *, volume: str = "", pages: str = "",
                   doi: str = "") -> str:
    """An EndNote <Cite> with its <record>, styled text and all, as EndNote writes it."""
    style = '<style face="normal" font="default" size="100%">{}</style>'
    names = "".join(f"<author>{style.format(escape(a))}</author>" for a in authors)
    return (f"<Cite><Author>{escape(authors[0].split(',')[0])}</Author><Year>{year}</Year><RecNum>{number}</RecNum>"
            f"<record><rec-number>{number}</rec-number><ref-type name=\"Journal Article\">17</ref-type>"
            f"<contributors><authors>{names}</authors></contributors>"
            f"<titles><title>{style.format(escape(title))}</title><secondary-title>{escape(journal)}</secondary-title></titles>"
            f"<periodical><full-title>{escape(journal)}</full-title></periodical><pages>{pages}</pages><volume>{volume}</volume>"
            f"<dates><year>{year}</year></dates><electronic-resource-num>{escape(doi)}</electronic-resource-num></record></Cite>")


def endnote(display: str, cites: list[str], *, as_data: bool = False) -> Xml:
    """An EndNote citation field; ``as_data`` stores the XML base64-encoded in w:fldData, with the
    nested EN.CITE.DATA field EndNote uses for long records."""
    xml = f"<EndNote>{''.join(cites)}</EndNote>"
    if not as_data:
        return field(f" ADDIN EN.CITE {xml}", display)
    data = base64.b64encode(xml.encode("utf-8")).decode("ascii")
    nested = field(" ADDIN EN.CITE.DATA ", Xml(""), data=data)
    nested = Xml(nested.replace('<w:r><w:fldChar w:fldCharType="separate"/></w:r>', ""))  # a data field has no result
    return Xml(f'<w:r><w:fldChar w:fldCharType="begin"><w:fldData>{data}</w:fldData></w:fldChar></w:r>'
               f'<w:r><w:instrText xml:space="preserve"> ADDIN EN.CITE </w:instrText></w:r>{nested}'
               f'<w:r><w:fldChar w:fldCharType="separate"/></w:r>{run(display)}<w:r><w:fldChar w:fldCharType="end"/></w:r>')


_NOTE_PARTS = {
    "footnotes": ("footnote", "FootnoteReference", "FootnoteText"),
    "endnotes": ("endnote", "EndnoteReference", "EndnoteText"),
}


class Document:
    """A .docx in the making: ``doc.paragraph("text ", zotero(...), "."); data = doc.save()``."""

    def __init__(self):
        self.doc = docx.Document()
        self.notes: dict[str, list[str]] = {"footnotes": [], "endnotes": []}

    def heading(self, text: str, level: int = 1) -> None:
        """``level=0`` is the Title style, 1.. Heading 1.."""
        self.doc.add_heading(text, level)

    def paragraph(self, *pieces: str | Xml, style: str | None = None) -> None:
        """Plain strings are read as ``inline`` text; Xml pieces are appended as they are."""
        p = self.doc.add_paragraph(style=style)
        for piece in pieces:
            xml = piece if isinstance(piece, Xml) else inline(piece)
            for element in parse_xml(f"<w:p {W}>{xml}</w:p>"):
                p._p.append(element)

    def bibliography(self, entries: list[str], instruction: str = ' ADDIN ZOTERO_BIBL {"uncited":[],"omitted":[],"custom":[]} CSL_BIBLIOGRAPHY ') -> None:
        """A reference manager's bibliography: one field whose result is these paragraphs."""
        begin = Xml(f'<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve">{escape(instruction)}'
                    '</w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r>')
        end = Xml('<w:r><w:fldChar w:fldCharType="end"/></w:r>')
        for i, entry in enumerate(entries):
            self.paragraph(*([begin] if i == 0 else []), entry, *([end] if i == len(entries) - 1 else []))

    def table(self, rows: list[list[str]]) -> None:
        table = self.doc.add_table(rows=len(rows), cols=len(rows[0]))
        for r, cells in enumerate(rows):
            for c, text in enumerate(cells):
                table.cell(r, c).text = text

    def _note(self, kind: str, pieces) -> Xml:
        tag, mark_style, _ = _NOTE_PARTS[kind]
        self.notes[kind].append("".join(p if isinstance(p, Xml) else inline(p) for p in pieces))
        return Xml(f'<w:r><w:rPr><w:rStyle w:val="{mark_style}"/><w:vertAlign w:val="superscript"/></w:rPr>'
                   f'<w:{tag}Reference w:id="{len(self.notes[kind])}"/></w:r>')

    def footnote(self, *pieces: str | Xml) -> Xml:
        """Register a footnote; returns its mark, to be placed in a paragraph."""
        return self._note("footnotes", pieces)

    def endnote(self, *pieces: str | Xml) -> Xml:
        return self._note("endnotes", pieces)

    def save(self, path=None) -> bytes:
        buffer = io.BytesIO()
        self.doc.save(buffer)
        data = buffer.getvalue()
        if any(self.notes.values()):
            data = _with_notes(data, self.notes)
        if path is not None:
            with open(path, "wb") as handle:
                handle.write(data)
        return data


def _notes_part(kind: str, notes: list[str]) -> str:
    tag, mark_style, text_style = _NOTE_PARTS[kind]
    out = [f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:{kind} {W}>',
           f'<w:{tag} w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:{tag}>',
           f'<w:{tag} w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p></w:{tag}>']
    for i, content in enumerate(notes, 1):
        out.append(f'<w:{tag} w:id="{i}"><w:p><w:pPr><w:pStyle w:val="{text_style}"/></w:pPr>'
                   f'<w:r><w:rPr><w:rStyle w:val="{mark_style}"/></w:rPr><w:{tag}Ref/></w:r>'
                   f'<w:r><w:t xml:space="preserve"> </w:t></w:r>{content}</w:p></w:{tag}>')
    out.append(f"</w:{kind}>")
    return "".join(out)


def _with_notes(data: bytes, notes: dict[str, list[str]]) -> bytes:
    """The package with word/footnotes.xml and word/endnotes.xml, related and typed."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "word/_rels/document.xml.rels":
                rels = "".join(f'<Relationship Id="rIdNotes{kind}" Type="{REL_NS}/{kind}" Target="{kind}.xml"/>'
                               for kind in notes if notes[kind])
                content = content.replace(b"</Relationships>", rels.encode() + b"</Relationships>")
            elif info.filename == "[Content_Types].xml":
                types = "".join(f'<Override PartName="/word/{kind}.xml" ContentType="application/'
                                f'vnd.openxmlformats-officedocument.wordprocessingml.{kind}+xml"/>'
                                for kind in notes if notes[kind])
                content = content.replace(b"</Types>", types.encode() + b"</Types>")
            target.writestr(info.filename, content)
        for kind, items in notes.items():
            if items:
                target.writestr(f"word/{kind}.xml", _notes_part(kind, items))
    return out.getvalue()


def replace_member(data: bytes, name: str, content: bytes) -> bytes:
    """The package with one member's content replaced (or added)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename != name:
                target.writestr(info.filename, source.read(info.filename))
        target.writestr(name, content)
    return out.getvalue()


def without_member(data: bytes, name: str) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename != name:
                target.writestr(info.filename, source.read(info.filename))
    return out.getvalue()


# --------------------------------------------------------------------------------------------
# Corpus articles


def from_markdown(md: str, *, numbered_list: bool = False, gold: dict | None = None, mendeley: bool = False) -> Document:
    """A corpus article as Word would hold it: one paragraph per Markdown line.

    ``numbered_list``: reference entries ``12. Text`` become paragraphs of Word's "List Number"
    style (Word writes the numbers), instead of typed labels. ``gold`` (the article's gold
    file): every citation group becomes a Zotero field (Mendeley's with ``mendeley``) around
    its printed text, parentheses or superscript included, carrying the CSL-JSON of the
    references it cites.
    """
    fields = _citation_fields(md, gold) if gold else []
    doc = Document()
    in_references = False
    position = 0
    for line in md.split("\n"):
        start, position = position, position + len(line) + 1
        if not line.strip():
            continue
        heading = re.match(r"(#{1,6})\s+(.*)", line)
        if heading:
            level = len(heading.group(1)) - 1
            doc.heading(heading.group(2), level)
            in_references = heading.group(2).strip().lower() == "references"
            continue
        if in_references and line.startswith("- "):
            doc.paragraph(line[2:])
        elif in_references and numbered_list and re.match(r"\d+\. ", line):
            doc.paragraph(line.split(". ", 1)[1], style="List Number")
        else:
            pieces, cursor = [], start
            for field_start, field_end, items in fields:
                if start <= field_start and field_end <= position - 1:
                    pieces += [md[cursor:field_start], zotero(md[field_start:field_end], items, mendeley=mendeley)]
                    cursor = field_end
            pieces.append(md[cursor : position - 1])
            doc.paragraph(*[p for p in pieces if p])
    return doc


def _citation_fields(md: str, gold: dict) -> list[tuple[int, int, list[dict]]]:
    """(start, end, CSL items) of each citation group, widened to its parentheses or <sup>."""
    number = {ref["id"]: i + 1 for i, ref in enumerate(gold["refs"])}
    refs = {ref["id"]: ref for ref in gold["refs"]}
    groups: dict[int, list[dict]] = {}
    for citation in gold["citations"]:
        groups.setdefault(citation["group"], []).append(citation)
    out = []
    for cited in groups.values():
        start, end = min(c["start"] for c in cited), max(c["end"] for c in cited)
        if md[start - 5 : start] == "<sup>" and md[end : end + 6] == "</sup>":
            start, end = start - 5, end + 6
        elif md[start - 1 : start] == "(" and md[end : end + 1] == ")":
            start, end = start - 1, end + 1
        rids = dict.fromkeys(r for c in cited for r in (*c["rids"], *c.get("implied_rids", ())))
        out.append((start, end, [csl_item(refs[r], number[r]) for r in rids if r in refs]))
    return sorted(out, key=lambda f: f[0])


# --------------------------------------------------------------------------------------------
# Hostile ZIPs, made by hand


def zip_bytes(members: list[dict]) -> bytes:
    """A ZIP whose headers say exactly what each member dict says: ``name``, ``data`` (as stored),
    ``method`` (0 or 8), ``size`` (declared uncompressed size), ``crc``, ``flags``."""
    local, central = io.BytesIO(), io.BytesIO()
    for m in members:
        name = m["name"].encode()
        data = m["data"]
        offset = local.tell()
        fields = (20, m.get("flags", 0), m.get("method", 8), 0, 0x21, m.get("crc", zlib.crc32(data)), len(data), m["size"])
        local.write(struct.pack("<4s5H3L2H", b"PK\x03\x04", *fields, len(name), 0) + name + data)
        central.write(struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, *fields, len(name), 0, 0, 0, 0, 0, offset) + name)
    directory = central.getvalue()
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(members), len(members), len(directory), local.tell(), 0)
    return local.getvalue() + directory + end


def deflated_zeros(total: int, block: int = 1 << 20) -> bytes:
    """A raw deflate stream of ``total`` zero bytes, made in milliseconds: one compressed block of
    zeros (self-contained, byte-aligned by a full flush) repeated, then an empty final block."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    piece = compressor.compress(bytes(block)) + compressor.flush(zlib.Z_FULL_FLUSH)
    return piece * (total // block) + b"\x03\x00"


def zip_bomb(total: int = 2 * 10**9, declared: int | None = None) -> bytes:
    """A .docx-looking ZIP whose word/document.xml inflates to ``total`` bytes of zeros;
    ``declared`` is what its headers claim (the truth by default)."""
    return zip_bytes([
        {"name": "[Content_Types].xml", "data": b"<Types/>", "method": 0, "size": 8},
        {"name": "word/document.xml", "data": deflated_zeros(total), "size": total if declared is None else declared, "crc": 0},
    ])


def encrypted(data: bytes) -> bytes:
    """The same ZIP with every member marked encrypted (general-purpose flag bit 0)."""
    out = bytearray(data)
    for signature, flag_at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        pos = out.find(signature)
        while pos >= 0:
            out[pos + flag_at] |= 1
            pos = out.find(signature, pos + 4)
    return bytes(out)


BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i > 1 else "&lol;" * 10}">' for i in range(1, 10))
    + f']><w:document {W}><w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>'
).encode()


__all__ = ["Document", "Xml", "run", "inline", "deleted", "inserted", "field", "zotero", "csl_item", "endnote",
           "endnote_record", "from_markdown", "zip_bytes", "zip_bomb", "deflated_zeros", "encrypted", "replace_member",
           "without_member", "BILLION_LAUGHS"]
