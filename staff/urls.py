from django.urls import URLPattern, URLResolver, path

from staff import overview_views, views

app_name = "staff"

urlpatterns: list[URLPattern | URLResolver] = []

# The users overview (R-LEAD-04).
urlpatterns += [
    path("brukere/", overview_views.users, name="users"),
    path("brukere/csv/", overview_views.users_csv, name="users_csv"),
]

# The staff of the leader's units, created and managed (R-LEAD-01).
urlpatterns += [
    path("", views.staff_list, name="list"),
    path("ny/", views.staff_create, name="create"),
    path("<int:pk>/", views.staff_edit, name="edit"),
    path("<int:pk>/rolle/", views.role_add, name="role_add"),
    path("<int:pk>/rolle/<int:membership_pk>/fjern/", views.role_remove, name="role_remove"),
    path("<int:pk>/gi-videre/", views.hand_over, name="hand_over"),
    path("<int:pk>/deaktiver/", views.deactivate, name="deactivate"),
    path("<int:pk>/aktiver/", views.reactivate, name="reactivate"),
]
