from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "gongzhi.cases"
    label = "cases"

    def ready(self) -> None:
        # The intake queue's per-process caches are cleared when categories or places change.
        from gongzhi.cases import intake  # noqa: F401
