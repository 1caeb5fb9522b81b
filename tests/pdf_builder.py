"""Build small PDFs for the reader's tests: text runs placed where a typesetter would put them.

A page is a list of runs ``(x, y, size, text)`` in PDF points (origin bottom left), drawn in the
given order (the content order PDFium reads) in Helvetica with WinAnsi encoding; code 128 prints
TeX's dotless ı and 129 a spacing acute accent (``Differences``), so a test can set "í" as TeX
does. Enough PDF for PDFium: a catalog, a page tree, pages with one content stream each, one
standard font, a cross-reference table and a trailer.
"""

from __future__ import annotations

Run = tuple  # (x, y, size, text), or (x, y, size, text, "mono") for Courier (a fixed-pitch font: code)

DOTLESS_I = "\x80"  # the code of the font's /dotlessi
ACUTE = "\x81"  # the code of its spacing /acute


def _escape(text: str) -> bytes:
    raw = text.encode("cp1252", errors="replace") if not any(ch in text for ch in (DOTLESS_I, ACUTE)) else text.encode("latin-1")
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def content(runs: list[Run]) -> bytes:
    out = []
    for x, y, size, text, *font in runs:
        name = b"/F2" if font == ["mono"] else b"/F1"
        out.append(b"BT " + name + b" %.2f Tf 1 0 0 1 %.2f %.2f Tm (" % (size, x, y) + _escape(text) + b") Tj ET")
    return b"\n".join(out)


def build(pages: list[list[Run]], *, width: float = 595, height: float = 842, info: bytes = b"") -> bytes:
    """The bytes of a PDF with these pages."""
    objects: list[bytes] = []
    n_pages = len(pages)
    # 1 catalog, 2 page tree, 3 font, 4 the fixed-pitch font, then per page: page object, content stream
    kids = " ".join(f"{5 + 2 * i} 0 R" for i in range(n_pages)).encode()
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    objects.append(b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % n_pages)
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding << /Type /Encoding "
                   b"/BaseEncoding /WinAnsiEncoding /Differences [128 /dotlessi /acute] >> >>")
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Courier /Encoding /WinAnsiEncoding >>")
    for i, runs in enumerate(pages):
        stream = content(runs)
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> "
                       b"/Contents %d 0 R >>" % (width, height, 6 + 2 * i))
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R %s>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, info, xref)
    return bytes(out)


def lines(texts: list[str], *, top: float = 780, left: float = 72, size: float = 10, leading: float = 13) -> list[Run]:
    """Runs for plain lines of body text, one under the other."""
    return [(left, top - k * leading, size, text) for k, text in enumerate(texts)]


def width(text: str, size: float) -> float:
    """How wide ``text`` prints at ``size`` in the builder's font, as PDFium measures it."""
    import pypdfium2 as pdfium  # noqa: PLC0415

    pdf = pdfium.PdfDocument(build([[(0, 100, size, text + "|")]]))
    textpage = pdf[0].get_textpage()
    left = textpage.get_charbox(len(text))[0]  # where the marker after the text starts
    pdf.close()
    return left
