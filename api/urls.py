from django.urls import path

from . import views
from .core import api
from .frameworks import router as frameworks
from .plans import router as plans

api.add_router("", plans)
api.add_router("", frameworks)

urlpatterns = [
    path("api/v1/", api.urls),
    path("profile/tokens/", views.tokens, name="api_tokens"),
    path("profile/tokens/<int:token_id>/revoke/", views.token_revoke, name="api_token_revoke"),
]
