from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeasuresConfig(AppConfig):
    name = "measures"
    verbose_name = _("Implementation plans")

    def ready(self):
        from . import folding  # noqa: F401 (registers the SQLite function on each connection)
