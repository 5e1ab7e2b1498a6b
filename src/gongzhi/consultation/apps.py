from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsultationConfig(AppConfig):
    name = "gongzhi.consultation"
    label = "consultation"

    def ready(self) -> None:
        from gongzhi.duty import inbox

        from .selectors import open_questions_for_places

        # The on-duty person's inbox shows the open questions of the places their shift covers.
        inbox.register(
            inbox.InboxSection(
                name="questions",
                title=_("Open questions for my places"),
                template="consultation/_inbox.html",
                load=lambda user, places, now: open_questions_for_places(places=places),
            )
        )
