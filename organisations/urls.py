from django.urls import path

from organisations import views

app_name = "organisations"

urlpatterns = [
    path("", views.actors, name="actors"),
    path("ny/", views.register_actor_view, name="register_actor"),
    path("sok/", views.actor_search, name="actor_search"),
]
