from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundConfig(AppConfig):
    name = "gongzhi.fund"
    verbose_name = _("Courtyard funds")
