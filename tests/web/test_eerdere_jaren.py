"""The grid of earlier years (/historie-invoer, app/services/eerdere_jaren.py): the form's checks
per cell, one transaction through sla_op, and only the figures of those years are touched."""

from __future__ import annotations

import html as html_module
import re

import pytest
from profielen import voorbeelden
from sqlalchemy import func, select

from app.extensions import db
from app.models import ACTIE_EERDERE_JAREN, NIET_BEGONNEN, AuditEntry, InvoerRij
from app.services.normensets import actieve_rij, als_normenset
from formatie.normenset_toml import standaard_normenset

from .conftest import CEL, EIGEN, EIGEN_REGIO, GETALCEL, JAAR, VELDFOUT, geschatte_waarden

PAD = f"/gemeente/{EIGEN}/{JAAR}/historie-invoer"
NORMENSET = standaard_normenset()


def _veld(jaar, sleutel):
    return f"h-{jaar}-{sleutel}"


def _versies(client):
    r = client.get(PAD)
    assert r.status_code == 200
    return re.search(r'name="versies"[^>]*value="([^"]*)"', r.text).group(1)


def _fout_bij_cel(html: str, naam: str) -> str:
    """The message shown at a grid cell (and check the input is wired to it)."""
    m = re.search(rf'<span class="utrecht-form-field-error-message" id="{naam}-fout">'
                  r'.*?</span> (.*?)</span>', html,
                  re.S)
    assert m, f"geen fout bij {naam}"
    invoer = re.search(rf'<input[^>]*id="{naam}"[^>]*>', html).group(0)
    assert f"{naam}-fout" in invoer and 'aria-invalid="true"' in invoer
    assert f'href="#{naam}"' in html  # linked from the error summary
    return html_module.unescape(m.group(1)).strip()


def _fout_in_formulier(client, app, veld: str, waarde: str, **over) -> str:
    """The message the invoer form itself gives for ``veld`` = ``waarde``."""
    data = {s: str(int(v)) for s, v in geschatte_waarden(app, EIGEN).items()}
    data |= {"version": "0", "concept": "1", veld: waarde, **over}
    r = client.post(f"/gemeente/{EIGEN}/{JAAR}", data=data)
    assert r.status_code == 422
    m = re.search(rf'<p {VELDFOUT} id="{veld}-fout">.*?</span> (.*?)</p>', r.text, re.S)
    return html_module.unescape(m.group(1)).strip()


def _rijen(app) -> dict[int, InvoerRij]:
    with app.app_context():
        rijen = {i.jaar: i for i in db.session.scalars(select(InvoerRij).where(
            InvoerRij.gemeente_code == EIGEN))}
        for r in rijen.values():
            db.session.expunge(r)
        return rijen


def _aantal(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_history_form_saves_earlier_years_in_one_go(client, auth, app, vul_invoer):
    vul_invoer(EIGEN)
    auth.als("gemeente")
    data = {"versies": _versies(client)}
    for k, jaar in enumerate(range(JAAR - 4, JAAR)):
        data[_veld(jaar, "meldingen_16uur")] = str(100 + 20 * k)
    data[_veld(JAAR - 1, "thuiszitters")] = "12,5"
    r = client.post(PAD, data=data)
    assert r.status_code == 302 and r.headers["Location"].endswith("/prognose")
    rijen = _rijen(app)
    assert sorted(rijen) == list(range(JAAR - 4, JAAR + 1))
    assert rijen[JAAR - 1].waarden == {"meldingen_16uur": 160.0, "thuiszitters": 12.5}
    with app.app_context():
        entries = list(db.session.scalars(select(AuditEntry)))
    # one entry per changed figure, all with the grid's action; no status entries
    assert len(entries) == 4 + 1
    assert {e.action for e in entries} == {ACTIE_EERDERE_JAREN}
    assert {e.field for e in entries} == {"meldingen_16uur", "thuiszitters"}
    # the forecast uses them: meldingen has 5 years (4 + this year), a trend and its chart
    r = client.get(f"/gemeente/{EIGEN}/{JAAR}/prognose")
    assert r.status_code == 200
    assert "lijn-meldingen_16uur-titel" in r.text
    assert "lijn-thuiszitters-titel" not in r.text  # 2 years: no trend


def test_saving_earlier_years_starts_no_year(client, auth, app, vul_invoer):
    """A year nobody started stays "niet begonnen" on the overview, for the gemeente and in
    the beheerder's counts, after its figures were entered as history."""
    vul_invoer(EIGEN)
    auth.als("gemeente")
    r = client.post(PAD, data={"versies": _versies(client),
                               _veld(JAAR - 1, "meldingen_16uur"): "40"})
    assert r.status_code == 302
    assert _rijen(app)[JAAR - 1].status == NIET_BEGONNEN
    overzicht = client.get("/").text
    rij = overzicht.split(f"({EIGEN})</small></th>")[1].split("</tr>")[0]
    cel_vorig_jaar = rij.split(CEL)[2]
    assert "Niet begonnen</span>" in cel_vorig_jaar and "Invullen" in cel_vorig_jaar
    assert "Concept</span>" not in rij
    auth.als("beheerder")
    regio_rij = client.get("/").text.split(f"{EIGEN_REGIO} ")[1].split("</tr>")[0]
    getallen = re.findall(GETALCEL + r"(\d+)</td>", regio_rij)
    assert getallen == ["1", "0", "0", "0"]  # ingediend/concept this year, then last year


def test_the_years_own_form_then_starts_it(client, auth, app, vul_invoer):
    vul_invoer(EIGEN)
    auth.als("gemeente")
    client.post(PAD, data={"versies": _versies(client), _veld(JAAR - 1, "meldingen_16uur"): "40"})
    data = {s: str(int(v)) for s, v in geschatte_waarden(app, EIGEN).items()}
    r = client.post(f"/gemeente/{EIGEN}/{JAAR - 1}", data={**data, "version": "1",
                                                            "concept": "1"})
    assert r.status_code == 302
    assert _rijen(app)[JAAR - 1].status == "concept"
    with app.app_context():
        status = db.session.scalar(select(AuditEntry).where(AuditEntry.field == "status"))
        assert (status.old, status.new, status.action) == (None, "concept", "concept")


def test_history_keeps_status_bezetting_and_other_years(client, auth, app, vul_invoer):
    vul_invoer(EIGEN)
    vul_invoer(EIGEN, jaar=JAAR - 2, status="concept", waarden={"meldingen_16uur": 5.0},
               bezetting={"leerplicht": 3.5})
    voor = _rijen(app)
    auth.als("gemeente")
    r = client.post(PAD, data={"versies": _versies(client),
                               _veld(JAAR - 2, "meldingen_16uur"): "6"})
    assert r.status_code == 302
    na = _rijen(app)
    assert na[JAAR - 2].status == "concept" and na[JAAR - 2].bezetting == {"leerplicht": 3.5}
    assert na[JAAR - 2].waarden == {"meldingen_16uur": 6.0}
    assert na[JAAR].version == voor[JAAR].version  # this year: untouched
    assert set(na) == {JAAR, JAAR - 2}  # empty years get no row


def test_history_cells_get_the_forms_bound_message(client, auth, app, vul_invoer):
    vul_invoer(EIGEN)
    auth.als("gemeente")
    inv = NORMENSET.invoer_by_sleutel("thuiszitters")
    te_groot = "1e308" if inv.max < 1e308 else "-1"
    r = client.post(PAD, data={"versies": _versies(client),
                               _veld(JAAR - 1, "meldingen_16uur"): "40",
                               _veld(JAAR - 3, "thuiszitters"): te_groot})
    assert r.status_code == 422
    melding = _fout_bij_cel(r.text, _veld(JAAR - 3, "thuiszitters"))
    assert melding == _fout_in_formulier(client, app, "thuiszitters", te_groot)
    assert f"{inv.naam}, {JAAR - 3}" in r.text  # in the summary with its year
    assert f'value="{te_groot}"' in r.text  # the entered value stays
    assert _aantal(app, InvoerRij) == 1 and _aantal(app, AuditEntry) == 0  # nothing halfway


def test_history_applies_the_normensets_controles(client, auth, app, vul_invoer):
    vul_invoer(EIGEN)
    with app.app_context():
        normenset = als_normenset(actieve_rij())
    controle = normenset.controles[0]
    auth.als("gemeente")
    jaar = JAAR - 2
    r = client.post(PAD, data={"versies": _versies(client),
                               _veld(JAAR - 1, "meldingen_16uur"): "40",
                               _veld(jaar, controle.links): "20",
                               _veld(jaar, controle.rechts): "10"})
    assert r.status_code == 422
    assert _fout_bij_cel(r.text, _veld(jaar, controle.links)) == controle.melding
    assert _aantal(app, InvoerRij) == 1 and _aantal(app, AuditEntry) == 0
    # the same pair in order is saved
    r = client.post(PAD, data={"versies": _versies(client), _veld(jaar, controle.links): "10",
                               _veld(jaar, controle.rechts): "20"})
    assert r.status_code == 302


def test_history_errors_save_nothing(client, auth, app, vul_invoer):
    vul_invoer(EIGEN)
    auth.als("gemeente")
    data = {"versies": _versies(client), _veld(JAAR - 1, "meldingen_16uur"): "12",
            _veld(JAAR - 2, "meldingen_16uur"): "twaalf",
            _veld(JAAR - 3, "meldingen_16uur"): "-5"}
    r = client.post(PAD, data=data)
    assert r.status_code == 422
    assert "Fout:" in r.text and "twaalf" in r.text  # the entered text stays
    assert f"Meldingen ongeoorloofd verzuim (16 uur in 4 weken), {JAAR - 2}" in r.text
    assert _aantal(app, InvoerRij) == 1


@pytest.mark.parametrize("veld, waarde", [
    ("waarden", {"meldingen_16uur": 6.0}),  # another user changed a figure
    ("status", "ingediend"),  # or submitted the year: read-only now
])
def test_a_save_meanwhile_is_a_conflict_and_nothing_is_saved(client, auth, app, vul_invoer,
                                                             veld, waarde):
    vul_invoer(EIGEN)
    vul_invoer(EIGEN, jaar=JAAR - 1, status="concept", waarden={"meldingen_16uur": 5.0})
    auth.als("gemeente")
    versies = _versies(client)
    with app.app_context():
        rij = db.session.scalar(select(InvoerRij).where(InvoerRij.jaar == JAAR - 1))
        setattr(rij, veld, waarde)
        db.session.commit()
        verwacht = dict(rij.waarden)
    r = client.post(PAD, data={"versies": versies, _veld(JAAR - 1, "meldingen_16uur"): "9",
                               _veld(JAAR - 2, "meldingen_16uur"): "7"})
    assert r.status_code == 303
    assert _rijen(app)[JAAR - 1].waarden == verwacht
    assert _aantal(app, InvoerRij) == 2 and _aantal(app, AuditEntry) == 0


def test_submitted_years_are_read_only(client, auth, app, vul_invoer):
    vul_invoer(EIGEN)
    vul_invoer(EIGEN, jaar=JAAR - 1, status="ingediend", waarden={"meldingen_16uur": 5.0})
    auth.als("gemeente")
    r = client.get(PAD)
    assert f'name="{_veld(JAAR - 1, "meldingen_16uur")}"' not in r.text
    r = client.post(PAD, data={"versies": _versies(client),
                               _veld(JAAR - 1, "meldingen_16uur"): "99"})
    assert r.status_code == 302
    assert _rijen(app)[JAAR - 1].waarden == {"meldingen_16uur": 5.0}


def test_posting_the_page_unchanged_saves_nothing(client, auth, app, vul_invoer):
    vul_invoer(EIGEN)
    vul_invoer(EIGEN, jaar=JAAR - 2, status="concept", waarden={"meldingen_16uur": 5.0})
    auth.als("gemeente")
    pagina = client.get(PAD).text
    velden = dict(re.findall(r'name="(h-[^"]+|versies)"[^>]*value="([^"]*)"', pagina))
    assert velden[_veld(JAAR - 2, "meldingen_16uur")] == "5"
    assert velden[_veld(JAAR - 1, "meldingen_16uur")] == ""  # a year without a row: empty
    r = client.post(PAD, data=velden)
    assert r.status_code == 302
    assert _aantal(app, InvoerRij) == 2 and _aantal(app, AuditEntry) == 0


def test_history_form_audits_setting_a_missing_normenset(client, auth, app, vul_invoer):
    vul_invoer(EIGEN)
    with app.app_context():  # an older row without a normenset
        db.session.add(InvoerRij(gemeente_code=EIGEN, jaar=JAAR - 1, status="concept",
                              waarden={"meldingen_16uur": 5.0}, bezetting={}))
        db.session.commit()
        actief = actieve_rij()
        actief_id, label = actief.id, actief.label
    auth.als("gemeente")
    r = client.post(PAD, data={"versies": _versies(client),
                               _veld(JAAR - 1, "meldingen_16uur"): "6"}, follow_redirects=True)
    assert "(2 wijzigingen)" in r.text
    with app.app_context():
        rij = db.session.scalar(select(InvoerRij).where(InvoerRij.jaar == JAAR - 1))
        assert rij.normenset_id == actief_id
        velden = {(a.field, a.old, a.new) for a in db.session.scalars(
            select(AuditEntry).where(AuditEntry.invoer_id == rij.id))}
    assert velden == {("meldingen_16uur", "5.0", "6.0"), ("normenset", None, label)}


def test_history_form_never_fails_on_any_text(client, auth, app, vul_invoer):
    import html

    from formatie.tekst import STUURTEKEN_MELDING

    """Whatever is typed in a cell: saved (302) or a Dutch message (422), never a 5xx."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    vul_invoer(EIGEN)
    auth.als("gemeente")

    @settings(max_examples=voorbeelden(40), deadline=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(st.text(max_size=45))
    def invullen(tekst):
        data = {"versies": _versies(client), _veld(JAAR - 3, "thuiszitters"): tekst}
        r = client.post(PAD, data=data)
        assert r.status_code in (302, 303, 422), r.status_code
        if r.status_code == 422:  # at the cell, or (a control character) for the whole request
            assert "Fout:" in r.text or STUURTEKEN_MELDING in html.unescape(r.text)

    invullen()
