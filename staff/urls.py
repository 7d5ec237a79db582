from django.urls import URLPattern, URLResolver, path

from staff import overview_views

app_name = "staff"

urlpatterns: list[URLPattern | URLResolver] = []

# The users overview (R-LEAD-04).
urlpatterns += [
    path("brukere/", overview_views.users, name="users"),
    path("brukere/csv/", overview_views.users_csv, name="users_csv"),
]
