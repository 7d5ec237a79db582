"""The site's URLs plus the benchmark's bare page (never in stafett.urls)."""

from django.urls import path

from bench import views
from stafett import urls as site

handler403 = site.handler403
urlpatterns = [path("bench/fortunes/", views.fortunes, name="bench_fortunes"), *site.urlpatterns]
