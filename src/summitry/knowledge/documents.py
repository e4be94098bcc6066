"""The text of a document: read from an uploaded PDF or DOCX, rendered from Markdown, and
compared between two editions.

A file is known by its content (PDF's `%PDF-` header, DOCX's ZIP holding word/document.xml),
never by the name or type the browser sent. Markdown is rendered with raw HTML off and only
safe links (markdown-it-py's CommonMark preset), so no upload can put script on a page.
"""

from __future__ import annotations

import difflib
import io
import re
import zipfile
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

PDF, DOCX = "pdf", "docx"
# Past this a file is refused: no protocol or plan runs near it, and extraction holds it in memory.
MAX_UPLOAD_BYTES = 25 * 1024 * 1024

_MARKDOWN = MarkdownIt("commonmark", {"html": False})


class UnreadableDocument(ValueError):
    """The file is not a PDF or DOCX this reader can take text from; `reason` says which."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


def file_format(content: bytes) -> str | None:
    if content.startswith(b"%PDF-"):
        return PDF
    if content.startswith(b"PK"):
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                if "word/document.xml" in archive.namelist():
                    return DOCX
        except zipfile.BadZipFile:
            return None
    return None


def _pdf_text(content: bytes) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(content))
        if reader.is_encrypted:
            raise UnreadableDocument("encrypted")
        return "\n\n".join((page.extract_text() or "").strip() for page in reader.pages)
    except (PyPdfError, ValueError, KeyError, TypeError) as error:
        if isinstance(error, UnreadableDocument):
            raise
        raise UnreadableDocument("damaged") from error


def _docx_text(content: bytes) -> str:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(content))
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile) as error:
        raise UnreadableDocument("damaged") from error
    paragraphs = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            paragraphs.append("\t".join(cell.text for cell in row.cells))
    return "\n\n".join(p for p in paragraphs if p.strip())


@dataclass(frozen=True)
class Extracted:
    format: str
    text: str


def extract(content: bytes) -> Extracted:
    """The format and plain text of an uploaded file; UnreadableDocument when there is none."""
    if len(content) > MAX_UPLOAD_BYTES:
        raise UnreadableDocument("too large")
    kind = file_format(content)
    if kind is None:
        raise UnreadableDocument("format")
    text = _pdf_text(content) if kind == PDF else _docx_text(content)
    # Stored text holds no NUL (PostgreSQL refuses it) and no lone surrogates.
    text = text.replace("\x00", "").encode("utf-8", "replace").decode()
    return Extracted(kind, text.strip())


def render_markdown(source: str) -> SafeString:
    html: str = _MARKDOWN.render(source)
    return mark_safe(html)  # noqa: S308 - raw HTML is off; output is escaped


def plain_text(source: str) -> str:
    """The words of a Markdown text without its markup: what search and snippets read."""
    lines: list[str] = []
    for token in _MARKDOWN.parse(source):
        if token.type == "inline":
            lines.append("".join(child.content for child in token.children or ()))
        elif token.type in {"fence", "code_block"}:
            lines.append(token.content)
    return "\n\n".join(line.strip() for line in lines if line.strip())


# A diff token: a run of letters in a spaced script, one character of an unspaced one, a run of
# spaces, or one other character.
_TOKEN = re.compile(
    r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]|[^\W_]+|\s+|.",
    re.UNICODE | re.DOTALL,
)


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]


def _inline_diff(old: str, new: str) -> str:
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    parts: list[str] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            parts.append(escape("".join(a[i1:i2])))
            continue
        if i2 > i1:
            parts.append(f"<del>{escape(''.join(a[i1:i2]))}</del>")
        if j2 > j1:
            parts.append(f"<ins>{escape(''.join(b[j1:j2]))}</ins>")
    return "".join(parts)


@dataclass(frozen=True)
class DiffBlock:
    """One paragraph of the comparison: kept, removed, added or changed (words marked)."""

    change: str  # "equal", "delete", "insert", "replace"
    html: SafeString


def diff(old: str, new: str) -> list[DiffBlock]:
    """What changed from `old` to `new`, paragraph by paragraph, with the words inserted and
    deleted inside a changed paragraph marked with <ins> and <del>."""
    a, b = _paragraphs(old), _paragraphs(new)
    blocks: list[DiffBlock] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            blocks += [DiffBlock("equal", mark_safe(escape(p))) for p in a[i1:i2]]  # noqa: S308
        elif op == "delete":
            blocks += [DiffBlock("delete", mark_safe(f"<del>{escape(p)}</del>")) for p in a[i1:i2]]  # noqa: S308
        elif op == "insert":
            blocks += [DiffBlock("insert", mark_safe(f"<ins>{escape(p)}</ins>")) for p in b[j1:j2]]  # noqa: S308
        else:
            old_part, new_part = a[i1:i2], b[j1:j2]
            # Paired paragraph by paragraph; any left over stand alone.
            for k in range(max(len(old_part), len(new_part))):
                if k < len(old_part) and k < len(new_part):
                    html = _inline_diff(old_part[k], new_part[k])
                    blocks.append(DiffBlock("replace", mark_safe(html)))  # noqa: S308
                elif k < len(old_part):
                    html = f"<del>{escape(old_part[k])}</del>"
                    blocks.append(DiffBlock("delete", mark_safe(html)))  # noqa: S308
                else:
                    html = f"<ins>{escape(new_part[k])}</ins>"
                    blocks.append(DiffBlock("insert", mark_safe(html)))  # noqa: S308
    return blocks


def paragraphs(text: str) -> list[str]:
    """The paragraphs of an extracted text, to show it as it reads."""
    return _paragraphs(text)
