from django.apps import AppConfig


class ConsultationConfig(AppConfig):
    name = "gongzhi.consultation"
    label = "consultation"
