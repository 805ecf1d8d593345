"""OpenID Connect providers for the single sign-on tests (see servers.py)."""
