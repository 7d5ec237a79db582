def lockout_username(request, credentials=None) -> str:
    """The username as django-axes counts it: case-insensitive, like the login itself."""
    if credentials:
        value = credentials.get("username")
    else:
        value = getattr(request, "POST", {}).get("username")
    return (value or "").strip().lower()
