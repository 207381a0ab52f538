"""Text out of the documents an article arrives as: plain text and Markdown as they are, HTML and
Word (.docx) as paragraphs (headings and list items become paragraphs of their own)."""

from __future__ import annotations

import io
import zipfile
from html.parser import HTMLParser

from .errors import DomainError

KINDS = (".txt", ".md", ".markdown", ".html", ".htm", ".docx")
MAX_BYTES = 8 * 1024 * 1024
MAX_UNPACKED = 64 * 1024 * 1024


def document_text(filename: str, data: bytes) -> str:
    """The text of an uploaded or named document, or DomainError saying why it cannot be read."""
    name = filename.lower()
    if not name.endswith(KINDS):
        raise DomainError("Upload a .txt or .md file, a web page saved as .html, or a Word .docx file.", field="upload")
    if len(data) > MAX_BYTES:
        raise DomainError(f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB.", field="upload")
    if name.endswith(".docx"):
        return _docx_text(data)
    if b"\x00" in data[:8192]:
        raise DomainError("This looks like a binary file, not text. Save it as plain text (UTF-8).", field="upload")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DomainError(
            "This file is not in UTF-8, the encoding factcheck reads. In your editor choose Save as… and "
            "the UTF-8 encoding, then upload it again.", field="upload"
        ) from None
    return _html_text(text) if name.endswith((".html", ".htm")) else text


def _docx_text(data: bytes) -> str:
    import docx  # python-docx

    damaged = DomainError("This .docx file could not be opened; it may be damaged. Save it again from Word.", field="upload")
    try:
        unpacked = sum(item.file_size for item in zipfile.ZipFile(io.BytesIO(data)).infolist())
    except (zipfile.BadZipFile, ValueError):
        raise damaged from None
    if unpacked > MAX_UNPACKED:  # a small file that unpacks to gigabytes
        raise DomainError("This .docx file unpacks to more than a document holds; it cannot be read.", field="upload")
    try:
        document = docx.Document(io.BytesIO(data))
        paragraphs = [p.text.strip() for p in document.paragraphs]
    except Exception:  # a damaged file fails deep inside zip or XML parsing, in many ways
        raise damaged from None
    return "\n\n".join(p for p in paragraphs if p)


class _Paragraphs(HTMLParser):
    BLOCKS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "br", "tr", "section", "article", "figcaption"}
    SKIP = {"script", "style", "noscript", "template", "head", "nav", "footer"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[str] = []
        self.current: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.skipping += 1
        elif tag in self.BLOCKS:
            self._end_paragraph()

    def handle_endtag(self, tag):
        if tag in self.SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag in self.BLOCKS:
            self._end_paragraph()

    def handle_data(self, data):
        if not self.skipping:
            self.current.append(data)

    def _end_paragraph(self):
        text = " ".join("".join(self.current).split())
        if text:
            self.paragraphs.append(text)
        self.current = []


def _html_text(html: str) -> str:
    parser = _Paragraphs()
    parser.feed(html)
    parser.close()
    parser._end_paragraph()
    return "\n\n".join(parser.paragraphs)
