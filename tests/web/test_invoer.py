"""The invoer form: generated fields, validation, saving, audit trail, optimistic locking."""

import html as html_module
import re

import pytest
from markupsafe import escape
from sqlalchemy import func, select

from app.extensions import db
from app.invoerform import InvoerFormBase, invoer_form
from app.models import AuditEntry, InvoerRij
from formatie.doelgroepen import doelgroepen
from formatie.getallen import format_getal
from formatie.normenset_toml import GERESERVEERDE_SLEUTELS, standaard_normenset
from formatie.referentie import load_referentie
from formatie.schatting import doelgroep_schattingen, uitleg

from .conftest import EIGEN, JAAR, LEGENDA, VELDFOUT, geschatte_waarden

PAD = f"/gemeente/{EIGEN}/{JAAR}"
NORMENSET = standaard_normenset()
LEERPLICHTIGEN = NORMENSET.invoer_by_sleutel("leerplichtigen").naam


def formulier(app, **over) -> dict:
    """A complete, valid form (decimal comma) with some fields replaced."""
    data = {s: str(int(v)) for s, v in geschatte_waarden(app, EIGEN).items() if v == v}
    data |= {"bezetting_leerplicht": "7,5", "version": "0"}
    data |= over
    return data


def invoer_rij(app):
    with app.app_context():
        rij = db.session.scalar(select(InvoerRij).where(InvoerRij.gemeente_code == EIGEN,
                                                     InvoerRij.jaar == JAAR))
        if rij is not None:
            db.session.expunge(rij)
        return rij


def audit(app) -> list[AuditEntry]:
    with app.app_context():
        rijen = list(db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)))
        for r in rijen:
            db.session.expunge(r)
        return rijen


def fout_bij_veld(html: str, veld: str) -> str:
    """The error message shown at a field (and check it is wired to the input)."""
    m = re.search(rf'<p {VELDFOUT} id="{veld}-fout">.*?</span> (.*?)</p>', html, re.S)
    assert m, f"geen fout bij {veld}"
    invoer = re.search(rf'<input[^>]*id="{veld}"[^>]*>', html).group(0)
    assert f"{veld}-fout" in invoer and 'aria-invalid="true"' in invoer
    assert f'href="#{veld}"' in html  # linked from the error summary
    return html_module.unescape(m.group(1))


def test_form_is_generated_from_the_normenset(client, auth):
    auth.als("gemeente")
    r = client.get(PAD)
    assert r.status_code == 200
    html = r.text
    for invoer in NORMENSET.invoer:
        veld = re.search(rf'<input[^>]*name="{invoer.sleutel}"[^>]*>', html).group(0)
        assert 'type="text"' in veld and 'inputmode="decimal"' in veld
        assert (f'<label class="utrecht-form-label" for="{invoer.sleutel}">'
                f"{escape(invoer.naam)}</label>") in html
    for groep in {i.groep for i in NORMENSET.invoer}:
        assert f"{LEGENDA}{groep}</legend>" in html
    # the Doorstroompunt is regional: its bezetting is entered on the region page
    assert 'name="bezetting_leerplicht"' in html and 'name="bezetting_doorstroompunt"' not in html
    assert 'type="number"' not in html
    assert "geen persoonsgegevens" in html.lower()
    assert "Inwoners Apeldoorn (CBS, 1-1-2024)" in html and "168.211" in html
    assert "schatting" in html and "studentensteden" in html  # the estimate caveat
    assert 'name="version" type="hidden" value="0"' in html or 'value="0"' in html


def test_save_concept_and_indienen(client, auth, app):
    auth.als("gemeente")
    r = client.post(PAD, data=formulier(app, leerplichtigen="1.234,5", concept="1"))
    assert r.status_code == 302 and r.headers["Location"] == PAD
    rij = invoer_rij(app)
    assert rij.status == "concept" and rij.version == 1
    assert rij.waarden["leerplichtigen"] == 1234.5
    assert rij.bezetting == {"leerplicht": 7.5}
    assert rij.normenset_id == 1
    r = client.get(PAD)
    assert 'value="1234,5"' in r.text and "Concept" in r.text
    r = client.post(PAD, data=formulier(app, leerplichtigen="1.234,5", version="1",
                                        indienen="1"))
    assert r.status_code == 302 and r.headers["Location"] == PAD + "/resultaat"
    rij = invoer_rij(app)
    assert rij.status == "ingediend" and rij.version == 2


def test_concept_may_be_incomplete_indienen_not(client, auth, app):
    auth.als("gemeente")
    r = client.post(PAD, data={"version": "0", "leerplichtigen": "100", "concept": "1"})
    assert r.status_code == 302
    assert invoer_rij(app).waarden == {"leerplichtigen": 100.0}
    r = client.post(PAD, data={"version": "1", "leerplichtigen": "100", "indienen": "1"})
    assert r.status_code == 422
    assert fout_bij_veld(r.text, "scholen") == ("Vul dit veld in om in te dienen "
                                                "(0 als er niets was).")
    rij = invoer_rij(app)
    assert rij.status == "concept" and rij.version == 1


@pytest.mark.parametrize(("veld", "waarde", "melding", "extra"), [
    ("leerplichtigen", "1,234.5", "in Engelse notatie", {}),
    ("leerplichtigen", "2.5", "is onduidelijk: gebruik een komma als decimaalteken", {}),
    ("leerplichtigen", "abc", "'abc' is geen getal.", {}),
    ("scholen", "-1", "Vul een getal in, van 0 tot en met 2.000 vestigingen.", {}),
    ("scholen", "2001", "Vul een getal in, van 0 tot en met 2.000 vestigingen.", {}),
    ("leerplichtigen", "9" * 25, "Vul een getal in, van 0 tot en met 200.000 jongeren.", {}),
    ("leerplichtigen", "9" * 40, "hoogstens 30 tekens", {}),
    ("leerplichtigen", "1e5", "geen getal", {}),
    ("leerplichtigen", "NaN", "geen getal", {}),
    ("luxe_verzuim", "<script>alert(1)</script>", "geen getal", {}),
    ("bezetting_leerplicht", "-0,5", "Vul een getal in, van 0 tot en met 10.000 fte.", {}),
    ("leerplichtigen", "", "Vul dit veld in om in te dienen", {}),
    ("meldingen_16uur_herhaald", "999", "Het aantal herhaalde meldingen kan niet groter zijn "
                                        "dan het totaal aantal meldingen 16 uur.", {}),
    ("thuiszitters", "60", "Het aantal thuiszittertrajecten kan niet groter zijn dan het "
                           "aantal leerplichtigen.", {"leerplichtigen": "50"}),
])
def test_bad_value_message_at_field_nothing_saved(client, auth, app, veld, waarde, melding,
                                                   extra):
    auth.als("gemeente")
    r = client.post(PAD, data=formulier(app, **{veld: waarde, **extra}, indienen="1"))
    assert r.status_code == 422
    assert melding in fout_bij_veld(r.text, veld)
    assert 'role="alert"' in r.text and "Controleer het volgende veld" in r.text
    # entered values are kept (escaped), also the valid ones
    assert f'value="{formulier(app)["scholen"]}"' in r.text or veld == "scholen"
    assert "<script>alert" not in r.text
    assert invoer_rij(app) is None
    assert audit(app) == []


def test_all_errors_reported_at_once(client, auth, app):
    auth.als("gemeente")
    r = client.post(PAD, data=formulier(app, leerplichtigen="abc", scholen="-1",
                                        luxe_verzuim="x", concept="1"))
    assert r.status_code == 422
    for veld in ("leerplichtigen", "scholen", "luxe_verzuim"):
        fout_bij_veld(r.text, veld)
    summary = r.text.split('foutsamenvatting"')[1].split("</div>")[0]
    assert summary.count('<li class="utrecht-unordered-list__item">') == 3


def test_audit_trail(client, auth, app):
    auth.als("gemeente")
    client.post(PAD, data=formulier(app, leerplichtigen="100", concept="1"))
    eerste = audit(app)
    assert {a.field for a in eerste} == {*NORMENSET.invoer_sleutels, "bezetting_leerplicht",
                                         "status"}
    assert all(a.old is None and a.action == "concept" and a.invoer_version == 1
               for a in eerste)
    auth.als("regio")  # the regional bureau corrects one figure and submits
    client.post(PAD, data=formulier(app, leerplichtigen="120,5", version="1", indienen="1"))
    tweede = audit(app)[len(eerste):]
    assert [(a.field, a.old, a.new, a.action) for a in tweede] == [
        ("leerplichtigen", "100.0", "120.5", "indienen"),
        ("status", "concept", "ingediend", "indienen"),
    ]
    r = client.get(PAD + "/historie")
    assert r.status_code == 200
    assert "regio@test.nl" in r.text and "gemeente@test.nl" in r.text
    rij = r.text.split(f"{LEERPLICHTIGEN}</th>")[1].split("</tr>")[0]
    assert "100" in rij and "120,5" in rij and "Ingediend" in rij
    # saving again without changes writes nothing
    client.post(PAD, data=formulier(app, leerplichtigen="120,5", version="2", indienen="1"))
    assert len(audit(app)) == len(eerste) + 2 and invoer_rij(app).version == 2


def test_optimistic_lock_conflict(client, auth, app):
    auth.als("gemeente")
    client.post(PAD, data=formulier(app, leerplichtigen="100", concept="1"))
    # Two people open version 1; the regional bureau saves first.
    auth.als("regio")
    client.post(PAD, data=formulier(app, leerplichtigen="150", scholen="40", version="1",
                                    concept="1"))
    assert invoer_rij(app).version == 2
    auth.als("gemeente")
    r = client.post(PAD, data=formulier(app, leerplichtigen="175", version="1", concept="1"))
    assert r.status_code == 409
    assert "Iemand anders heeft dit formulier intussen opgeslagen" in r.text
    conflict = r.text.split('conflict"')[1].split("</table>")[0]
    rij = conflict.split(f"{LEERPLICHTIGEN}</th>")[1].split("</tr>")[0]
    assert "regio@test.nl" in rij and ">150<" in rij and ">175<" in rij  # theirs vs yours
    assert "Schoolvestigingen" in conflict
    assert 'value="175"' in r.text  # the user's entry is kept in the form
    # scholen was changed only by the other person: the form now shows their value
    scholen = conflict.split("Schoolvestigingen (po, vo, (v)so en mbo)</th>")[1].split("</tr>")[0]
    assert ">40<" in scholen and "u wijzigde dit veld niet" in scholen
    assert re.search(r'<input[^>]*id="scholen"[^>]*value="40"', r.text)
    assert re.search(r'name="version" type="hidden" value="2"|value="2"[^>]*name="version"',
                     r.text)
    # nothing overwritten, nothing audited for the refused save
    rij = invoer_rij(app)
    assert rij.version == 2 and rij.waarden["leerplichtigen"] == 150.0
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.new == "175.0")) == 0
    # after review, saving again with the new version goes through
    r = client.post(PAD, data=formulier(app, leerplichtigen="175", scholen="40", version="2",
                                        concept="1"))
    assert r.status_code == 302
    assert invoer_rij(app).waarden["leerplichtigen"] == 175.0
    assert invoer_rij(app).waarden["scholen"] == 40.0


def test_first_save_conflict_when_someone_created_it(client, auth, app, vul_invoer):
    auth.als("gemeente")
    vul_invoer(EIGEN, status="concept")  # created by someone else after the form was opened
    r = client.post(PAD, data=formulier(app, version="0", concept="1"))
    assert r.status_code == 409
    assert invoer_rij(app).version == 1


def test_schatting_prefill_fills_only_empty_fields_and_saves_nothing(client, auth, app):
    auth.als("gemeente")
    client.post(PAD, data={"version": "0", "leerplichtigen": "17000", "concept": "1"})
    r = client.get(PAD + "?schatting=1")
    assert r.status_code == 200
    assert 'value="17000"' in r.text  # own figure kept
    geschat = geschatte_waarden(app, EIGEN)
    assert f'value="{int(geschat["scholen"])}"' in r.text
    assert "Er is nog niets opgeslagen" in r.text
    assert invoer_rij(app).waarden == {"leerplichtigen": 17000.0}


def test_new_invoer_in_normenset_appears_without_code_change(client, auth, app):
    tekst = NORMENSET.bron_tekst.replace('versie = "2026.3"', 'versie = "2026.9"')
    tekst += ('\n[[invoer]]\nsleutel = "nieuw_veld"\nnaam = "Een nieuw invoerveld"\n'
              'eenheid = "stuks"\ngroep = "Nieuwe groep"\nmin = 0\nmax = 10\n'
              '\n[[taak]]\nsleutel = "nieuwe_taak"\nfunctie = "leerplicht"\nnaam = "Nieuw"\n'
              'invoer = "nieuw_veld"\nuren = 1\n')
    auth.als("beheerder")
    import io

    r = client.post("/normen/upload", data={"bestand": (io.BytesIO(tekst.encode()), "n.toml")},
                    content_type="multipart/form-data")
    assert r.status_code == 302
    client.post("/normen/2/activeer")
    r = client.get(PAD)
    assert ('<label class="utrecht-form-label" for="nieuw_veld">Een nieuw invoerveld</label>'
            in r.text)
    assert f"{LEGENDA}Nieuwe groep</legend>" in r.text
    r = client.post(PAD, data=formulier(app, nieuw_veld="11", concept="1"))
    assert "Vul een getal in, van 0 tot en met 10 stuks." in fout_bij_veld(r.text, "nieuw_veld")
    r = client.post(PAD, data=formulier(app, nieuw_veld="3", indienen="1"))
    assert r.status_code == 302
    rij = invoer_rij(app)
    assert rij.waarden["nieuw_veld"] == 3.0 and rij.normenset_id == 2


def test_version_column_refuses_a_stale_update(app, vul_invoer):
    """The last line of defence under sla_op: UPDATE … WHERE version = loaded version."""
    from sqlalchemy.orm import Session
    from sqlalchemy.orm.exc import StaleDataError

    vul_invoer(EIGEN, status="concept")
    with app.app_context():
        engine = db.engine
        with Session(engine) as eerste, Session(engine) as tweede:
            a = eerste.scalar(select(InvoerRij))
            b = tweede.scalar(select(InvoerRij))
            b.status = "ingediend"
            tweede.commit()
            a.status = "concept"
            a.waarden = {"leerplichtigen": 1.0}
            with pytest.raises(StaleDataError):
                eerste.commit()
        rij = db.session.scalar(select(InvoerRij))
        assert rij.version == 2 and rij.status == "ingediend"


def test_title_says_fout_on_errors(client, auth, app):
    auth.als("gemeente")
    r = client.post(PAD, data=formulier(app, leerplichtigen="abc", concept="1"))
    assert "<title>Fout: Invoer Apeldoorn" in r.text


def test_estimate_gives_way_to_own_count(client, auth):
    auth.als("gemeente")
    r = client.get(PAD)
    assert "uw eigen telling" not in r.text
    client.post(PAD, data={"version": "0", "leerplichtigen": "18500", "concept": "1"})
    r = client.get(PAD)
    panel = r.text.split('id="voorinvulling-titel"')[1].split("</section>")[0]
    leerplicht = doelgroep_schattingen(NORMENSET, load_referentie(), EIGEN)[0]
    assert leerplicht.telling == "leerplichtigen"
    sleutel = f'<dt class="utrecht-data-list__item-key">{escape(leerplicht.doelgroep.label)}</dt>'
    eigen = panel.split(sleutel)[1].split("</dd>")[0]
    assert "uw eigen telling: 18.500" in eigen
    assert f"(schatting was {format_getal(leerplicht.schatting)})" in eigen
    # every other target group is still an estimate
    doelgroepen = doelgroep_schattingen(NORMENSET, load_referentie(), EIGEN)
    assert panel.count('label-schatting">schatting</strong>') == len(doelgroepen) - 1
    # (kwalificatieplicht, Doorstroompunt)


def _cbs_blok(html: str) -> dict[str, str]:
    """The CBS box as {dt text: dd text}."""
    panel = html.split('id="voorinvulling-titel"')[1].split("</section>")[0]
    return {html_module.unescape(dt): html_module.unescape(re.sub(r"<[^>]+>", "", dd))
            for dt, dd in re.findall(r"<dt[^>]*>(.*?)</dt>\s*<dd[^>]*>(.*?)</dd>", panel, re.S)}


def test_cbs_box_shows_each_target_group_once_with_the_estimate_the_field_gets(client, auth):
    """One definition per group: the box's label is the doelgroep's, and its figure is the
    figure 'Gebruik schattingen' puts into the group's own field (no 18.756 beside 20.480)."""
    auth.als("gemeente")
    blok = _cbs_blok(client.get(PAD).text)
    gevuld = client.get(PAD + "?schatting=1").text
    groepen = doelgroep_schattingen(NORMENSET, load_referentie(), EIGEN)
    assert [g.doelgroep for g in groepen] == list(doelgroepen())
    for g in groepen:
        tekst = blok[g.doelgroep.label]
        assert tekst.split(" ")[0] == format_getal(g.schatting) and "schatting" in tekst
        if g.telling:
            veld = re.search(rf'<input[^>]*id="{g.telling}"[^>]*>', gevuld).group(0)
            waarde = re.search(r'value="([^"]*)"', veld).group(1)
            assert format_getal(float(waarde)) == tekst.split(" ")[0]
    assert {g.telling for g in groepen} >= {"leerplichtigen", "kwalificatieplichtigen"}


def test_field_label_of_each_target_group_is_the_doelgroep_label(client, auth):
    auth.als("gemeente")
    html = client.get(PAD).text
    for g in doelgroep_schattingen(NORMENSET, load_referentie(), EIGEN):
        if g.telling:
            assert (f'<label class="utrecht-form-label" for="{g.telling}">'
                    f'{escape(g.doelgroep.label)}</label>') in html


def test_form_says_why_the_estimates_differ_for_this_gemeente(client, auth):
    auth.als("gemeente")
    html = html_module.unescape(client.get(PAD).text)
    zinnen = uitleg(NORMENSET, load_referentie(), EIGEN)
    assert zinnen and all(z.tekst in html for z in zinnen)
    assert "het landelijke tarief per 1.000 leerplichtigen" in html
    assert "huishoudens rond het sociaal minimum" in html and " landelijk: × " in html


def test_simultaneous_saves_one_wins(app, vul_invoer):
    """Two saves of the same version at the same moment: one is stored, one gets 409."""
    import threading

    from .conftest import AuthActions

    vul_invoer(EIGEN, status="concept")
    clients = [app.test_client() for _ in range(2)]
    for c, rol in zip(clients, ("gemeente", "regio"), strict=True):
        AuthActions(c, app).als(rol)
    for ronde in range(4):
        versie = invoer_rij(app).version
        start = threading.Barrier(2)
        codes = []

        def bewaar(c, waarde, versie=versie, start=start, codes=codes):
            start.wait()
            r = c.post(PAD, data=formulier(app, leerplichtigen=str(waarde),
                                           version=str(versie), concept="1"))
            codes.append(r.status_code)

        threads = [threading.Thread(target=bewaar, args=(c, 1000 + 10 * ronde + i))
                   for i, c in enumerate(clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(codes) == [302, 409], codes
        rij = invoer_rij(app)
        assert rij.version == versie + 1
        with app.app_context():  # the audit trail records exactly the save that won
            nieuw = list(db.session.scalars(select(AuditEntry.new).where(
                AuditEntry.invoer_version == rij.version,
                AuditEntry.field == "leerplichtigen")))
        assert [float(n) for n in nieuw] == [rij.waarden["leerplichtigen"]]


def _activeer_nieuwe_versie(client, auth, versie="2026.9") -> str:
    """Upload the standard normenset under another version and activate it (as beheerder)."""
    import io

    tekst = NORMENSET.bron_tekst.replace('versie = "2026.3"', f'versie = "{versie}"')
    auth.als("beheerder")
    r = client.post("/normen/upload", data={"bestand": (io.BytesIO(tekst.encode()), "n.toml")},
                    content_type="multipart/form-data")
    assert r.status_code == 302
    nieuw_id = int(r.headers["Location"].rsplit("/", 1)[1])
    assert client.post(f"/normen/{nieuw_id}/activeer").status_code == 302
    return f"{NORMENSET.naam} ({versie})"


def test_normenset_switch_on_unchanged_save_is_audited(client, auth, app):
    auth.als("gemeente")
    client.post(PAD, data=formulier(app, concept="1"))
    assert invoer_rij(app).version == 1
    nieuw_label = _activeer_nieuwe_versie(client, auth)
    auth.als("gemeente")
    voor = len(audit(app))
    # the same figures, saved again: only the (now active) normenset changes
    r = client.post(PAD, data=formulier(app, version="1", concept="1"), follow_redirects=True)
    rij = invoer_rij(app)
    assert rij.version == 2 and rij.normenset_id == 2
    nieuw = audit(app)[voor:]
    assert [(a.field, a.old, a.new, a.action, a.invoer_version) for a in nieuw] == [
        ("normenset", NORMENSET.label, nieuw_label, "concept", 2)]
    tekst = html_module.unescape(r.text)
    assert "Er was niets gewijzigd" not in tekst
    assert "Opgeslagen als concept (1 wijziging)." in tekst
    assert f"Deze cijfers gebruiken nu de actieve normenset {nieuw_label}." in tekst
    r = client.get(PAD + "/historie")
    assert "Normenset</th>" in r.text and escape(nieuw_label) in r.text
    # a second unchanged save really writes nothing
    r = client.post(PAD, data=formulier(app, version="2", concept="1"), follow_redirects=True)
    assert "Er was niets gewijzigd; er is niets opgeslagen." in html_module.unescape(r.text)
    assert invoer_rij(app).version == 2 and len(audit(app)) == voor + 1


def test_normenset_switch_by_another_user_is_no_conflict_row(client, auth, app):
    auth.als("gemeente")
    client.post(PAD, data=formulier(app, concept="1"))
    _activeer_nieuwe_versie(client, auth)
    auth.als("regio")  # saves version 1 unchanged: only the normenset switches
    client.post(PAD, data=formulier(app, version="1", concept="1"))
    auth.als("gemeente")
    r = client.post(PAD, data=formulier(app, leerplichtigen="175", version="1", concept="1"))
    assert r.status_code == 409
    conflict = r.text.split('conflict"')[1].split("</div>")[0]
    assert "Normenset" not in conflict  # not a form field; the save uses the active one anyway


def test_huge_version_in_the_form_is_400_not_500(client, auth, app, vul_invoer):
    vul_invoer(EIGEN, status="concept")
    auth.als("gemeente")
    r = client.post(PAD, data=formulier(app, version="99999999999999999999", concept="1"))
    assert r.status_code == 400
    assert invoer_rij(app).version == 1


def test_every_name_the_invoer_form_uses_is_reserved_for_invoer_sleutels(app, klein_normenset):
    """An invoer sleutel becomes a form attribute: one named like the form's own fields or
    methods (``version``, ``meta``, ``validate`` …) would break every save (issue 12, point 7)."""
    with app.test_request_context():
        velden = set(invoer_form(klein_normenset).__dict__)
    namen = {n for n in set(dir(InvoerFormBase)) | velden
             if re.fullmatch(r"[a-z][a-z0-9_]{0,62}", n)}
    eigen = set(klein_normenset.invoer_sleutels) | {f"bezetting_{f}" for f in
                                                    klein_normenset.functie_sleutels}
    assert namen - eigen - GERESERVEERDE_SLEUTELS == set()


def _formulier_zoals_getoond(html: str) -> dict[str, str]:
    """Every input of the invoer form with the value the page shows (an untouched form)."""
    velden = {}
    for invoer in re.findall(r"<input[^>]*>", html):
        naam = re.search(r'name="([^"]+)"', invoer)
        waarde = re.search(r'value="([^"]*)"', invoer)
        if naam and naam.group(1) not in ("csrf_token", "concept", "indienen"):
            velden[naam.group(1)] = html_module.unescape(waarde.group(1)) if waarde else ""
    return velden


def test_an_untouched_form_saves_back_exactly_and_logs_nothing(client, auth, app, vul_invoer):
    """Issue 12, point 11: 12.0000004 showed as 12 and re-saving stored 12 with "12 → 12"."""
    waarden = geschatte_waarden(app, EIGEN)
    heel = int(waarden["meldingen_16uur"])  # a whole-number estimate (≥ the controles' bounds)
    waarden["meldingen_16uur"] = heel + 0.0000004
    vul_invoer(EIGEN, status="concept", waarden=waarden, bezetting={"leerplicht": 0.0})
    auth.als("gemeente")
    html = client.get(PAD).text
    velden = _formulier_zoals_getoond(html)
    assert velden["meldingen_16uur"] == f"{heel},0000004"
    r = client.post(PAD, data=velden | {"concept": "1"})
    assert r.status_code == 302, re.findall(r"veld__fout.*", r.text)
    assert audit(app) == []
    assert invoer_rij(app).waarden["meldingen_16uur"] == heel + 0.0000004
    r = client.post(PAD, data=velden | {"bezetting_leerplicht": "-0", "concept": "1"})
    assert r.status_code == 302
    assert audit(app) == []  # -0 over 0 is no change
