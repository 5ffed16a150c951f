from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountManagementConfig(AppConfig):
    name = "clustermonitor.accountmanagement"
    label = "accountmanagement"
    verbose_name = _("Account management")
