"""The benchmark beside other gemeenten never reveals one other gemeente's figures: medians and
peer values need a group of at least MIN_GROEP submitted gemeenten; then they are the model's."""

import numpy as np

from app.services.berekening import MIN_GROEP
from formatie.getallen import format_getal
from formatie.model import bereken
from formatie.normenset_toml import standaard_normenset
from formatie.referentie import load_referentie

from .conftest import EIGEN, EIGEN_REGIO, JAAR, geschatte_waarden

PAD = f"/gemeente/{EIGEN}/{JAAR}/resultaat"


def regio_mediaan_cel(html: str) -> str:
    """The cell under 'Mediaan regio' in the fte-per-1.000 table (first data row)."""
    tabel = html[html.index("Mediaan regio"):]
    rij = tabel[tabel.index("<tbody"):tabel.index("</tr>", tabel.index("<tbody"))]
    cellen = [c.split(">", 1)[1].split("<", 1)[0] for c in rij.split("<td")[1:]]
    return cellen[1]  # eigen, regio, landelijk


def test_region_median_hidden_below_min_group_and_model_median_above(app, client, auth,
                                                                     vul_invoer):
    leden = [c for c in load_referentie().leden(EIGEN_REGIO) if c != EIGEN]
    assert len(leden) + 1 >= MIN_GROEP + 1
    for code in [EIGEN, *leden[: MIN_GROEP - 2]]:  # MIN_GROEP − 1 gemeenten in the region
        vul_invoer(code)
    auth.als("gemeente")
    assert regio_mediaan_cel(client.get(PAD).text).strip() == "—"

    ingediend = [EIGEN, *leden[: MIN_GROEP]]
    for code in leden[MIN_GROEP - 2: MIN_GROEP]:
        vul_invoer(code)
    n = standaard_normenset()
    volume = np.array([[geschatte_waarden(app, c)[s] for s in n.invoer_sleutels]
                       for c in ingediend])
    per = bereken(n, volume).fte_per_eenheid(n.per_duizend, 1000.0)
    verwacht = format_getal(float(np.median(per[:, 0])), 2)  # first functie: leerplicht
    assert regio_mediaan_cel(client.get(PAD).text).strip() == verwacht
