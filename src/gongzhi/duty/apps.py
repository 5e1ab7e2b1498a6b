from django.apps import AppConfig


class DutyConfig(AppConfig):
    name = "gongzhi.duty"
    label = "duty"
