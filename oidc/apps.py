from django.apps import AppConfig


class OidcConfig(AppConfig):
    """Sign-in over OpenID Connect: ID-porten and the municipality's own identity provider
    (R-SEC-08)."""

    name = "oidc"
