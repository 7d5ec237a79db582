"""The request a signed-in person's page gets, as the type checker sees it."""

from typing import cast

from django.http import HttpRequest
from django.urls import ResolverMatch

from accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    """A request behind `login_required` (or the admin): `user` is a person, never anonymous.

    Only an annotation: Django builds the request; views say `request: AuthenticatedHttpRequest`
    so that `request.user` can be handed to the services, which take a `User`.
    """

    user: User
    # Set by the URL resolver before any view runs.
    resolver_match: ResolverMatch


def staff_user(request: HttpRequest) -> User:
    """The person using the admin, which lets in signed-in staff only: never anonymous."""
    return cast(User, request.user)
