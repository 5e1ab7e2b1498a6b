from django.apps import AppConfig


class PublicityConfig(AppConfig):
    name = "gongzhi.publicity"
    label = "publicity"
