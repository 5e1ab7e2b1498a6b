"""Project documents and progress photos: checked by content, size-limited, metadata removed;
and the periodic sweep is declared with the other jobs."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.test import override_settings
from django.utils.module_loading import import_string
from PIL import Image

from gongzhi.cases.tests.conftest import png_bytes
from gongzhi.core import clock
from gongzhi.core.errors import InvalidInput, NotPermitted
from gongzhi.core.models import AuditEntry
from gongzhi.core.schedule import PERIODIC
from gongzhi.publicity import services
from gongzhi.publicity.choices import NoticeState
from gongzhi.publicity.tests.conftest import TUESDAY


def named(data: bytes, name: str) -> io.BytesIO:
    out = io.BytesIO(data)
    out.name = name
    return out


def test_a_pdf_and_an_image_are_attached_and_a_renamed_script_is_refused(project, worker):
    pdf = services.project_document_add(
        actor=worker, project=project, title="施工图", upload=named(b"%PDF-1.7\n...", "plan.pdf")
    )
    assert pdf.content_type == "application/pdf"
    image = services.project_document_add(
        actor=worker, project=project, title="效果图", upload=png_bytes(exif=True, fmt="JPEG")
    )
    assert image.content_type == "image/jpeg"
    assert not Image.open(image.file.open("rb")).getexif()
    with pytest.raises(InvalidInput) as error:
        services.project_document_add(
            actor=worker, project=project, title="x", upload=named(b"#!/bin/sh\nrm -rf /", "a.pdf")
        )
    assert "file" in error.value.fields


@override_settings(MAX_UPLOAD_BYTES=1000)
def test_a_document_over_the_limit_is_refused(project, worker):
    with pytest.raises(InvalidInput):
        services.project_document_add(
            actor=worker,
            project=project,
            title="大文件",
            upload=named(b"%PDF-" + b"0" * 2000, "b.pdf"),
        )


def test_progress_photos_lose_their_metadata_and_outsiders_cannot_post(project, worker, outsider):
    services.project_transition(actor=worker, project=project, name="approve")
    update = services.project_progress_add(
        actor=worker,
        project=project,
        percent=10,
        note="进场",
        photos=[png_bytes(exif=True, fmt="JPEG")],
    )
    photo = update.photos.get()
    assert not Image.open(photo.image.open("rb")).getexif()
    with pytest.raises(NotPermitted):
        services.project_progress_add(actor=outsider, project=project, percent=20, note="越权")
    with pytest.raises(InvalidInput):
        services.project_progress_add(actor=worker, project=project, percent=120, note="超了")


def test_the_notice_sweep_is_a_periodic_job_that_ends_due_periods(notice):
    job = next(j for j in PERIODIC if j.name == "publicity.notice_sweep")
    assert job.task == "gongzhi.publicity.tasks.notice_sweep"
    with clock.frozen(TUESDAY + dt.timedelta(days=30)):
        result = import_string(job.task).call()
    assert result["ended"] >= 1
    notice.refresh_from_db()
    assert notice.state == NoticeState.ENDED
    entry = AuditEntry.objects.get(action="notice.ended", object_id=str(notice.pk))
    assert entry.channel == "system" and entry.actor_id is None
