"""Following and duplicates for the demo: a neighbour's duplicate of the stairwell leak, merged
into it by the community worker, and people following cases (so their notification centres have
updates). Made through the services; a second run adds nothing."""

from __future__ import annotations

from django.db import transaction

from gongzhi.accounts.models import User
from gongzhi.cases import services
from gongzhi.cases.models import Case, Category
from gongzhi.core import request_context
from gongzhi.places.models import Place

DUPLICATE_TITLE = "2栋楼道顶上漏水"


def demo_loop_load() -> int:
    """Returns how many cases it made (0 when already loaded or the demo cases are missing)."""
    leak = Case.objects.filter(title="楼道天花板渗水").first()
    if leak is None or Case.objects.filter(title=DUPLICATE_TITLE).exists():
        return 0
    neighbour, worker = User.objects.get(username="lina"), User.objects.get(username="liuyang")
    supervisor = User.objects.get(username="zhoumin")
    with request_context.using(request_context.RequestContext(channel="web")), transaction.atomic():
        duplicate = services.case_report(
            actor=neighbour,
            channel="web",
            category=Category.objects.get(code=leak.category.code),
            nature="help",
            title=DUPLICATE_TITLE,
            description="2栋3楼楼道顶上一直在滴水，墙皮都泡起来了。",
            place=Place.objects.get(parent__name="中加水岸小区", name="2栋"),
        )
        services.case_merge(
            actor=worker, case=duplicate, into=leak, note="与楼道天花板渗水为同一问题"
        )
        services.case_follow(actor=supervisor, case=leak)
        for title in ["府河苑垃圾两天未清运", "夜间施工噪音扰民"]:
            followed = Case.objects.filter(title=title).first()
            if followed is not None:
                services.case_follow_by_number(actor=neighbour, number=followed.number)
    return 1
