"""Builders for the knowledge centre's records, through its services, and documents made here."""

from __future__ import annotations

import io
import itertools
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from summitry.knowledge import services
from summitry.knowledge.models import Edition, Translation, Work

_serial = itertools.count(1)


def work(title: str | None = None, shared_with: tuple[str, ...] = (), **fields: Any) -> Work:
    n = next(_serial)
    return services.create_work(
        title=title or f"Work {n}",
        slug=fields.pop("slug", f"work-{n}"),
        shared_with=shared_with,
        **fields,
    )


def edition(of: Work | None = None, markdown: str | None = None, **fields: Any) -> Edition:
    return services.publish_edition(of or work(), markdown=markdown, **fields)


def translation(
    of: Edition | None = None, language: str = "en", markdown: str | None = None, **fields: Any
) -> Translation:
    return services.add_translation(of or edition(), language=language, markdown=markdown, **fields)


def docx_file(*paragraphs: str, name: str = "text.docx") -> SimpleUploadedFile:
    import docx

    document = docx.Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    buffer = io.BytesIO()
    document.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/octet-stream")


def pdf_file(*paragraphs: str, name: str = "text.pdf") -> SimpleUploadedFile:
    from django.utils.html import escape
    from weasyprint import HTML

    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    content = HTML(string=f"<html><body>{body}</body></html>").write_pdf()
    assert content is not None
    return SimpleUploadedFile(name, content, content_type="application/pdf")
