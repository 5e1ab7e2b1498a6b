from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "gongzhi.core"
    label = "core"

    def ready(self) -> None:
        from gongzhi.core import checks  # noqa: F401
