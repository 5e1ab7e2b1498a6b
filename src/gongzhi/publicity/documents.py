"""Project documents: PDFs and images, checked by content (not by name) and size-limited.
Images are re-encoded without their metadata (core.uploads); PDFs are kept as they are."""

from __future__ import annotations

from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from gongzhi.core.errors import InvalidInput
from gongzhi.core.uploads import clean_image


@dataclass(frozen=True)
class CleanDocument:
    content: ContentFile[bytes]
    content_type: str
    size: int


def clean_document(upload: IO[bytes], *, field: str = "file") -> CleanDocument:
    limit = settings.MAX_UPLOAD_BYTES
    name = getattr(upload, "name", "document")
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise InvalidInput(
            fields={
                field: [
                    _("%(name)s is larger than %(mb)d MB.")
                    % {"name": name, "mb": limit // 1_000_000}
                ]
            }
        )
    if data.startswith(b"%PDF-"):
        return CleanDocument(ContentFile(data, name="document.pdf"), "application/pdf", len(data))
    upload.seek(0)
    try:
        image = clean_image(upload, name=name, field=field)
    except InvalidInput:
        raise InvalidInput(
            fields={field: [_("%(name)s is not a PDF or an image.") % {"name": name}]}
        ) from None
    size = image.content.size
    return CleanDocument(image.content, image.content_type, size)
