"""Receipt files: checked by content, never by name. Photos are re-encoded without metadata
(core/uploads.py); a PDF must start like one and stay under the upload limit."""

from __future__ import annotations

from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from gongzhi.core.errors import InvalidInput
from gongzhi.core.uploads import clean_image

PDF_MAGIC = b"%PDF-"


@dataclass(frozen=True)
class CleanReceipt:
    content: ContentFile[bytes]
    content_type: str


def clean_receipt(upload: IO[bytes], *, name: str = "receipt") -> CleanReceipt:
    head = upload.read(len(PDF_MAGIC))
    upload.seek(0)
    if head != PDF_MAGIC:
        image = clean_image(upload, name=name, field="receipts")
        return CleanReceipt(image.content, image.content_type)
    data = upload.read(settings.MAX_UPLOAD_BYTES + 1)
    if len(data) > settings.MAX_UPLOAD_BYTES:
        raise InvalidInput(
            fields={
                "receipts": [
                    _("%(name)s is larger than %(mb)d MB.")
                    % {"name": name, "mb": settings.MAX_UPLOAD_BYTES // 1_000_000}
                ]
            }
        )
    if b"%EOF" not in data[-2048:]:
        raise InvalidInput(
            fields={"receipts": [_("%(name)s is not a complete PDF.") % {"name": name}]}
        )
    return CleanReceipt(ContentFile(data, name="receipt.pdf"), "application/pdf")
