from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "gongzhi.accounts"
    label = "accounts"

    def ready(self) -> None:
        from gongzhi.accounts import signals  # noqa: F401
