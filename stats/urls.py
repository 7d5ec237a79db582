from django.urls import URLPattern, URLResolver, path

from stats import views

app_name = "stats"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.index, name="index"),
    path("statistikk.csv", views.csv_download, name="csv"),
    path("diagram/<slug:slug>.svg", views.chart, name="chart"),
]
