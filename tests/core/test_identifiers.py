"""Identifier checks flag what a facilitator could mistype, in French."""

from desktop_app.core import identifiers as ids


def test_qpv_codes_2024_and_2015():
    assert ids.check_qpv("QN05901M") is None
    assert ids.check_qpv("QN02A01I") is None
    assert ids.check_qpv("QP059001") is None
    assert ids.qpv_generation("QN97101N") == "2024"
    for bad in ("QN0590M", "QN05901X", "QP05901", "Q059001", "quartier nord"):
        assert ids.check_qpv(bad), bad


def test_siren_and_siret():
    assert ids.check_siren("200 093 201") is None  # real EPCI SIREN with spaces
    assert "9 chiffres" in ids.check_siren("20009320")
    assert "clé de contrôle" in ids.check_siren("200093202")
    assert ids.check_siret("20009320100010") is None or "clé" in ids.check_siret("20009320100010")
    assert "14 chiffres" in ids.check_siret("123")


def test_insee_codes_including_corsica():
    assert ids.check_insee("59350") is None
    assert ids.check_insee("2A004") is None
    assert ids.check_insee("5935")
    assert ids.check_insee("2C004")


def test_french_amounts():
    assert ids.format_amount(12500) == "12\u202f500\u00a0€"
    assert ids.format_amount(12500.5) == "12\u202f500,50\u00a0€"
