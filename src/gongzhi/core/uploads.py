"""Photo uploads: checked by content (not by name), size-limited, re-encoded without metadata."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from gongzhi.core.errors import InvalidInput

FORMATS = {
    "JPEG": ("image/jpeg", "jpg"),
    "PNG": ("image/png", "png"),
    "WEBP": ("image/webp", "webp"),
}
MAX_PIXELS = 40_000_000


@dataclass(frozen=True)
class CleanImage:
    content: ContentFile[bytes]
    content_type: str
    width: int
    height: int


def clean_image(upload: IO[bytes], *, name: str = "photo", field: str = "photos") -> CleanImage:
    """Validate an uploaded image and return a copy without EXIF/XMP (orientation applied)."""
    limit = settings.MAX_UPLOAD_BYTES
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise InvalidInput(
            fields={
                field: [
                    _("%(name)s is larger than %(mb)d MB.")
                    % {"name": name, "mb": limit // 1_000_000}
                ]
            }
        )
    try:
        image = Image.open(upload)
        image_format = image.format
        if image_format not in FORMATS:
            raise InvalidInput(
                fields={field: [_("%(name)s is not a JPEG, PNG or WebP image.") % {"name": name}]}
            )
        if image.width * image.height > MAX_PIXELS:
            raise InvalidInput(
                fields={field: [_("%(name)s has too many pixels.") % {"name": name}]}
            )
        image.load()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
        raise InvalidInput(
            fields={field: [_("%(name)s is not a readable image.") % {"name": name}]}
        ) from exc
    upright: Image.Image = ImageOps.exif_transpose(image)
    content_type, extension = FORMATS[image_format]
    out = io.BytesIO()
    if image_format == "JPEG":
        upright.convert("RGB").save(out, "JPEG", quality=88, optimize=True)
    else:
        upright.save(out, image_format)  # a fresh encode carries no EXIF unless asked to
    return CleanImage(
        ContentFile(out.getvalue(), name=f"photo.{extension}"),
        content_type,
        upright.width,
        upright.height,
    )
