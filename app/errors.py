"""Friendly Dutch error pages, and the expired-form (CSRF) handler that keeps entered values."""

from __future__ import annotations

from flask import Flask, current_app, g, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from formatie.problemen import InvoerFout

MELDINGEN = {
    400: ("Ongeldig verzoek", "De server begreep dit verzoek niet. Ga terug en probeer het "
                              "opnieuw."),
    403: ("Geen toegang", "U heeft geen toegang tot deze pagina."),
    404: ("Pagina niet gevonden", "Deze pagina bestaat niet, of u heeft er geen toegang toe. "
                                  "Controleer het adres, of ga naar de startpagina."),
    405: ("Methode niet toegestaan", "Deze pagina kan niet op deze manier worden opgevraagd."),
    413: ("Bestand te groot", "Het verstuurde bestand of formulier is groter dan 5 MB. "
                              "Kies een kleiner bestand."),
    422: ("Ongeldige invoer", "Wat u verstuurde, kan niet worden verwerkt. Ga terug, controleer "
                              "het en probeer het opnieuw."),
    429: ("Te veel pogingen", "U heeft het te vaak geprobeerd. Wacht 15 minuten en probeer het "
                              "dan opnieuw."),
    500: ("Er ging iets mis", "Er ging aan onze kant iets mis. Uw laatste wijziging is niet "
                              "opgeslagen. Probeer het later opnieuw."),
}

#: Endpoints whose view can re-render its own form after an expired CSRF token (see below).
HERSTELBAAR = {"gemeente.invoer", "auth.login", "normen.upload", "gebruikers.lijst"}


#: Title of the page for stored figures or a stored normenset the model cannot compute with.
GEEN_UITKOMST = "Geen bruikbare uitkomst"


def foutpagina(code: int, beschrijving: str | None = None, titel: str | None = None):
    standaard, tekst = MELDINGEN.get(code, MELDINGEN[500])
    titel = titel or standaard
    if request.path.endswith(".json"):
        return jsonify({"fout": titel, "melding": beschrijving or tekst}), code
    return render_template("errors/fout.html", code=code, titel=titel,
                           tekst=beschrijving or tekst), code


def register(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_fout(exc: HTTPException):
        code = exc.code or 500
        beschrijving = exc.description if code == 429 and exc.description else None
        if code not in MELDINGEN:
            code = 400 if 400 <= code < 500 else 500
        return foutpagina(code, beschrijving if code == 429 else None)

    @app.errorhandler(500)
    def server_fout(_exc):
        return foutpagina(500)

    @app.errorhandler(InvoerFout)
    def geen_uitkomst(fout: InvoerFout):
        """Stored data the model refuses, reached from a page that reads it: a normenset stored
        before the bounds of formatie.parameters (it no longer reads), or figures whose result
        is not finite or absurd (formatie.model.RekenFout). 422 with the Dutch problems, never
        a 500; ``flask --app app check`` lists such data for the beheerder. Views that take a
        user's file catch InvoerFout themselves and show it at the form."""
        problemen = " ".join(p.tekst(fout.bestand) for p in fout.problemen[:5])
        return foutpagina(422, f"{problemen} De beheerder ziet wat er mis is met "
                               "'flask --app app check'.", titel=GEEN_UITKOMST)

    @app.errorhandler(CSRFError)
    def formulier_verlopen(_exc: CSRFError):
        """Re-render the form with the entered values instead of a bare 400.

        The view itself runs again (with its login and access checks) in a mode that only
        renders: ``g.csrf_verlopen`` tells it to bind ``request.form`` and save nothing.
        """
        view = current_app.view_functions.get(request.endpoint or "")
        if view is None or request.endpoint not in HERSTELBAAR:
            return foutpagina(400, "Het formulier is verlopen. Ga terug, laad de pagina opnieuw "
                                   "en probeer het nog eens.")
        g.csrf_verlopen = True
        try:
            return current_app.make_response(view(**(request.view_args or {})))
        except HTTPException as exc:
            return http_fout(exc)
