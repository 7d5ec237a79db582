from django.urls import URLPattern, URLResolver, path

from exports import views

app_name = "exports"

urlpatterns: list[URLPattern | URLResolver] = [
    path("logg/<int:pk>/", views.choose, name="choose"),
    path("<int:pk>/", views.status, name="status"),
    path("<int:pk>/prov-igjen/", views.retry, name="retry"),
    path("<int:pk>/fil/", views.download, name="file"),
]
