from django.urls import path

from . import views

urlpatterns = [
    path("frameworks/", views.frameworks, name="frameworks"),
    path("frameworks/<int:pk>/", views.framework_dashboard, name="framework_dashboard"),
]
