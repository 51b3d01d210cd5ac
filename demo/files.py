"""Small, real PDF files for the demo practice: a bank statement, a sales invoice, management
accounts. One page of Helvetica text each, with a correct cross-reference table, so they open
in any PDF viewer and pass the upload checks like a client's own file."""


def escape(text: str) -> str:
    """Text as a PDF string literal's content."""
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def text_pdf(title: str, lines: list[str]) -> bytes:
    """A one-page A4 PDF: ``title`` in bold, then ``lines``."""
    stream = ["BT", "/F2 16 Tf", "56 780 Td", f"({escape(title)}) Tj", "/F1 10 Tf", "0 -28 Td"]
    for line in lines:
        stream += [f"({escape(line)}) Tj", "0 -15 Td"]
    stream.append("ET")
    content = "\n".join(stream).encode("latin-1", "replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R /F2 6 0 R >> >> >>",
        b"<< /Length " + str(len(content)).encode() + b" >>\nstream\n" + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold >>",
    ]
    return assemble_pdf(objects)


def assemble_pdf(objects: list[bytes], header: bytes = b"%PDF-1.4\n") -> bytes:
    """A PDF file of ``objects`` (numbered from 1; the first the catalogue) with a correct
    cross-reference table."""
    out = bytearray(header)
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n"
    ).encode()
    return bytes(out)
