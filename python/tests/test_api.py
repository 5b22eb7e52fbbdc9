"""Tests of the Python package against independently derived values (closed forms, exact
rationals), and of its errors. Run: pip install ./python pytest && pytest python/tests."""

import json
import math
import os
import warnings
from fractions import Fraction

import numpy as np
import pytest

import shadowcert as sc

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def spec_path(name):
    return os.path.join(ROOT, "specs", name)


def diag_spec(**over):
    """GD on f(x) = x₁² + x₂²/2 (Q = diag(2, 1)) over [-2, 2]², as numpy arrays and Fractions."""
    spec = {
        "name": "diag21",
        "objective": {"type": "quadratic", "Q": np.array([[2, 0], [0, 1]]), "b": np.zeros(2, dtype=np.int64)},
        "domain": [["-2", "2"], ["-2", "2"]],
        "constants": {"L": 2, "mu": 1, "ell": Fraction(9, 2), "B0": "9/2", "B1": 2, "B2": 0},
        "algorithm": {"method": "gd", "h": Fraction(1, 100)},
        "x0": [1, 1],
        "horizon": {"steps": 50},
        "epsilon": "0.05",
    }
    spec.update(over)
    return spec


def test_certify_a_dict_with_numpy_arrays_and_fractions():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no float anywhere: no warning
        rep = sc.certify(diag_spec())
    assert rep.exit_code == 0
    # The eigenvalues of diag(2, 1) are 2 and 1: L and mu are exact.
    assert rep["constants.L"].values["true"] == (Fraction(2), Fraction(2))
    assert rep["constants.mu"].values["true"] == (Fraction(1), Fraction(1))
    # ell = max over the box of |Qx| = |(4, 2)| = sqrt(20).
    lo, hi = rep["constants.ell"].values["true"]
    assert lo * lo <= 20 <= hi * hi and hi - lo < Fraction(1, 10**15)
    assert rep["constants.L"].status == "verified"
    # The text report, as `certify` prints it at 100 columns.
    assert str(rep).startswith('certify <dict>.json — "diag21"')
    assert "summary:" in rep.text and all(len(line) <= 100 for line in rep.text.splitlines())
    with pytest.raises(KeyError, match="no claim 'nope'"):
        rep["nope"]


def test_the_same_spec_from_a_file_and_from_a_dict():
    with open(spec_path("heavy_ball.json")) as f:
        as_dict = json.load(f)
    a, b = sc.certify(spec_path("heavy_ball.json")), sc.certify(as_dict)
    assert a.exit_code == b.exit_code == 0
    assert {c.id: c.status for c in a} == {c.id: c.status for c in b}
    assert a["ks.assumption11"].status == "verified"
    assert isinstance(a["ks.assumption11"].values["tau1"], Fraction)


def test_a_float_is_its_exact_binary_value_with_a_warning():
    with pytest.warns(sc.ExactnessWarning, match="0.1 is taken as the exact binary number"):
        rep = sc.certify(diag_spec(epsilon=0.1))
    assert rep.certificate["inputs"]["epsilon"] == str(Fraction(0.1))
    assert Fraction(0.1) != Fraction(1, 10)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # 0.5 is exactly 1/2: no warning
        rep = sc.certify(diag_spec(epsilon=0.5))
    assert Fraction(rep.certificate["inputs"]["epsilon"]) == Fraction(1, 2)
    with pytest.raises(sc.SpecError):
        sc.certify(diag_spec(epsilon=float("nan")))


def test_input_errors_name_the_pointer_and_never_panic():
    with pytest.raises(sc.SpecError) as e:
        sc.certify(diag_spec(x0=[1]))
    assert e.value.pointer == "/x0" and "/x0" in str(e.value)
    with pytest.raises(sc.SpecError) as e:
        sc.certify(diag_spec(claims=["ks.thm99"]))
    assert e.value.pointer == "/claims/0"
    with pytest.raises(sc.SpecError):
        sc.certify(os.path.join(ROOT, "no_such_spec.json"))
    with pytest.raises(sc.SpecError):
        sc.certify(42)
    with pytest.raises(sc.SpecError):
        sc.certify({"objective": object()})
    for junk in [{}, {"name": 3}, {"objective": {"type": "quadratic", "Q": "x"}}, diag_spec(domain=[[2, -2], [0, 1]])]:
        with pytest.raises(sc.SpecError):
            sc.certify(junk)
    with pytest.raises(sc.SpecError):
        sc.admissible(diag_spec(), h=-1)


def test_admissible_gd_on_diag21_is_safe_exactly_below_one():
    # GD x <- (I - hQ)x is stable iff max |1 - h*lambda| < 1 over lambda in {1, 2}, i.e. h < 2/2 = 1.
    below = sc.admissible(diag_spec(), h=Fraction(99, 100))
    assert below.safe is True and below.basis == "step.stable"
    assert below["step.stable"].verdict == "verified"
    at_one = sc.admissible(diag_spec(), h=1)
    assert at_one.safe is False and at_one["step.stable"].verdict == "refuted"
    value, attained = at_one.ranges["step.stable"]["supremum"]
    assert value == 1 and attained is False
    # The spec's own step size when h is not given.
    own = sc.admissible(diag_spec())
    assert own.h == Fraction(1, 100)
    # The report, as `certify admissible` prints it.
    assert str(at_one).startswith('certify admissible <dict>.json — "diag21" (gd)')
    assert "  h = 1: NOT safe (step.stable refuted" in at_one.text
    assert "(the spec's step size): safe" in own.text and "summary:" in own.text


def test_trace_encloses_the_exact_orbit_and_the_flow():
    tr = sc.trace(diag_spec())
    assert tr.orbit_lo.shape == (51, 2) and tr.flow_hi.shape == (51, 2)
    h = Fraction(1, 100)
    for k in range(51):
        # x_k = ((1 - 2h)^k, (1 - h)^k) exactly; y(t) = (e^{-2t}, e^{-t}).
        exact = [(1 - 2 * h) ** k, (1 - h) ** k]
        for i in range(2):
            assert Fraction(tr.orbit_lo[k, i]) <= exact[i] <= Fraction(tr.orbit_hi[k, i])
        t = float(tr.times[k])
        assert tr.times[k] == k * h
        for i, y in enumerate([math.exp(-2 * t), math.exp(-t)]):
            assert tr.flow_lo[k, i] - 1e-15 <= y <= tr.flow_hi[k, i] + 1e-15
            assert tr.flow_hi[k, i] - tr.flow_lo[k, i] < 1e-9


def test_check_accepts_a_golden_and_rejects_a_tampered_one(tmp_path):
    out = sc.check(os.path.join(ROOT, "proofs", "heavy_ball.cert.json"))
    assert out["exit_code"] == 0 and "ks.assumption11" in out["by_checker"]
    with open(os.path.join(ROOT, "proofs", "heavy_ball.cert.json")) as f:
        cert = json.load(f)
    for c in cert["claims"]:
        if c["id"] == "ks.assumption11":
            c["status"] = "refuted"
    bad = tmp_path / "tampered.cert.json"
    bad.write_text(json.dumps(cert))
    with pytest.raises(sc.CertificateError) as e:
        sc.check(bad)
    assert e.value.claim == "ks.assumption11"
    # A certificate written by Report.save checks.
    rep = sc.certify(diag_spec())
    rep.save(tmp_path / "diag.cert.json")
    assert sc.check(tmp_path / "diag.cert.json")["exit_code"] == 0
    with pytest.raises(sc.SpecError):
        sc.check(tmp_path / "missing.cert.json")
