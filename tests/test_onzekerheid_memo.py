"""The policy path's memo (formatie.onzekerheid: norm draws once per normenset and block, small
ranges once per input): a remembered range is the computed one to the bit, and any change in
what a range depends on gives another one."""

import dataclasses

import numpy as np
import pytest

from formatie import onzekerheid as oz
from formatie.normenset_toml import standaard_normenset
from formatie.stromen import norm_z

VELDEN = ("centraal", "centraal_totaal", "fte", "fte_totaal", "gemiddelde", "totaal_fte",
          "totaal_totaal", "trekkingen_fte")


@pytest.fixture(autouse=True)
def vergeten():
    oz.vergeet()
    yield
    oz.vergeet()


def _invoer(g: int, seed: int = 3):
    n = standaard_normenset()
    rng = np.random.default_rng(seed)
    volume = np.round(rng.uniform(0, 900, (g, len(n.invoer))))
    return n, volume, tuple(f"{i:04d}" for i in range(g)), rng.uniform(0, .3, volume.shape)


def _gelijk(a, b) -> None:
    for naam in VELDEN:
        x, y = getattr(a, naam), getattr(b, naam)
        assert x.dtype == y.dtype and x.shape == y.shape, naam
        assert x.tobytes() == y.tobytes(), naam


@pytest.mark.parametrize("g", [1, 25])  # one block; two blocks of draws (171.000 cells each)
def test_onthouden_is_berekend_tot_op_de_bit(g):
    n, volume, codes, alfa = _invoer(g)
    koud = oz.bereik(n, volume, gemeentecodes=codes, dispersie=alfa, bewaar_trekkingen=True)
    # other block layouts and inputs in between: nothing of theirs may leak into this range
    for ander in (1, 40, 3):
        n2, v2, c2, a2 = _invoer(ander, seed=ander)
        oz.bereik(n2, v2, gemeentecodes=c2, dispersie=a2)
    warm = oz.bereik(n, volume, gemeentecodes=codes, dispersie=alfa, bewaar_trekkingen=True)
    _gelijk(koud, warm)
    with oz._MEMO_SLOT:
        oz._MEMO.clear()  # the range again from the remembered norm draws and weights
    opnieuw = oz.bereik(n, volume, gemeentecodes=codes, dispersie=alfa,
                        bewaar_trekkingen=True)
    _gelijk(koud, opnieuw)
    assert opnieuw is not warm


def test_normuren_zijn_de_getrokken_normuren():
    n = standaard_normenset()
    z = norm_z(n.taak_sleutels, oz.TREKKINGEN)
    np.testing.assert_array_equal(oz._beleid_normuren(n, oz.TREKKINGEN),
                                  oz.normuren_uit_z(n, z))
    basis, per_eenheid, _, _ = oz._beleid_gewichten(n, oz.TREKKINGEN, 100, 300)
    verwacht = oz.fte_per_eenheid(n, oz.normuren_uit_z(n, z)[100:300])
    np.testing.assert_array_equal(basis, verwacht[0])
    np.testing.assert_array_equal(per_eenheid, verwacht[1])


def test_elke_wijziging_geeft_een_ander_bereik():
    n, volume, codes, alfa = _invoer(1)
    basis = oz.bereik(n, volume, gemeentecodes=codes, dispersie=alfa)
    meer = volume.copy()
    meer[0, 0] += 1
    zwaarder = dataclasses.replace(n, taken=(dataclasses.replace(
        n.taken[0], uren=n.taken[0].uren * 2, uren_hoog=n.taken[0].uren_hoog * 2),
        *n.taken[1:]))
    varianten = [
        oz.bereik(n, meer, gemeentecodes=codes, dispersie=alfa),
        oz.bereik(n, volume, gemeentecodes=("0363",), dispersie=alfa),
        oz.bereik(n, volume, gemeentecodes=codes, dispersie=alfa * 2),
        oz.bereik(n, volume, gemeentecodes=codes),
        oz.bereik(zwaarder, volume, gemeentecodes=codes, dispersie=alfa),
    ]
    for v in varianten:
        assert v.totaal_totaal.tobytes() != basis.totaal_totaal.tobytes()
    # each is the range of its own input, as computed afresh
    oz.vergeet()
    _gelijk_zonder_trekkingen(varianten[-1],
                              oz.bereik(zwaarder, volume, gemeentecodes=codes, dispersie=alfa))


def _gelijk_zonder_trekkingen(a, b) -> None:
    for naam in VELDEN[:-1]:
        assert getattr(a, naam).tobytes() == getattr(b, naam).tobytes(), naam


def test_gedeeld_bereik_is_alleen_lezen_en_draagt_de_eigen_normenset():
    n, volume, codes, _ = _invoer(1)
    b = oz.bereik(n, volume, gemeentecodes=codes, bewaar_trekkingen=True)
    with pytest.raises(ValueError):
        b.fte[0, 0, 0] = 1.0
    with pytest.raises(ValueError):
        b.trekkingen_fte[0, 0, 0] = 1.0
    assert oz.bereik(n, volume, gemeentecodes=codes).trekkingen_fte is None
    kopie = dataclasses.replace(n, bron_tekst="andere bron")
    assert oz.bereik(kopie, volume, gemeentecodes=codes).normenset is kopie


def test_foute_invoer_blijft_een_fout():
    n, volume, codes, _ = _invoer(1)
    with pytest.raises(ValueError, match="invoer columns"):
        oz.bereik(n, volume[:, :-1], gemeentecodes=codes)
    with pytest.raises(ValueError, match="dispersie"):
        oz.bereik(n, volume, gemeentecodes=codes, dispersie=-np.ones(volume.shape))
    with pytest.raises(ValueError):
        oz.bereik(n, volume, gemeentecodes=codes, dispersie=np.ones(3))
