from django.urls import URLPattern, URLResolver, path

from oidc import views

app_name = "oidc"

urlpatterns: list[URLPattern | URLResolver] = [
    path("tilbake/", views.callback, name="callback"),
    path("<str:provider>/logg-inn/", views.start, name="start"),
]
