"""Case photos are served only to those who may see the case (they are not public files)."""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest
from django.views.decorators.http import require_GET

from gongzhi.cases.models import CasePhoto
from gongzhi.cases.selectors import visible_q


@require_GET
def photo(request: HttpRequest, photo_id: int) -> FileResponse:
    found = CasePhoto.objects.filter(pk=photo_id, case__in=_visible_cases(request)).first()
    if found is None:
        raise Http404
    response = FileResponse(found.image.open("rb"), content_type=found.content_type)
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _visible_cases(request: HttpRequest):  # type: ignore[no-untyped-def]
    from gongzhi.cases.models import Case

    return Case.objects.filter(visible_q(request.user)).values("pk")
