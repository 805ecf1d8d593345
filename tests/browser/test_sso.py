"""Single sign-on in Chromium against a real OpenID Connect provider (npm oidc-provider on
loopback, started by the ``sso_live`` fixture): the button, the provider's login, back in the
app with a session; an unknown e-mail address ends on the login page with a message."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from .conftest import axe, geen_csp_fouten, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _bij_provider_inloggen(page, sso_live, login: str) -> None:
    page.get_by_role("link", name="Inloggen met uw organisatie-account").click()
    page.wait_for_url(sso_live.provider.issuer + "/interaction/**")
    page.locator("input[name=login]").fill(login)
    page.locator("input[name=password]").fill("willekeurig")
    page.get_by_role("button", name="Sign-in").click()


def test_a_gemeente_user_signs_in_with_the_organisation_account(sso_live, page):
    page.goto(sso_live.url + "/login")
    assert axe(page) == []
    screenshot(page, "sso-login")
    _bij_provider_inloggen(page, sso_live, "gemeente@test.nl")
    page.wait_for_url(sso_live.url + "/")
    assert page.get_by_role("button", name="Uitloggen").is_visible()
    assert "gemeente@test.nl" in page.content()
    page.console_fouten.clear()  # the provider's own pages are not ours to judge
    page.goto(sso_live.url + f"/gemeente/0200/{datetime.now(UTC).year}")
    assert page.get_by_role("heading", level=1).is_visible()
    geen_csp_fouten(page)
    page.get_by_role("button", name="Uitloggen").click()
    page.wait_for_url(sso_live.url + "/login")


def test_an_unknown_e_mail_address_ends_on_the_login_page_with_a_message(sso_live, page):
    page.goto(sso_live.url + "/login")
    _bij_provider_inloggen(page, sso_live, "onbekend@elders.nl")
    page.wait_for_url(sso_live.url + "/login")
    melding = page.get_by_role("alert")
    assert "geen account voor onbekend@elders.nl" in melding.inner_text()
    assert axe(page) == []
    screenshot(page, "sso-onbekend")
    assert page.goto(sso_live.url + "/").url.endswith("/login?next=%2F")
