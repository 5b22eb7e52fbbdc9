"""shadowcert: certified numbers for the theory linking optimization algorithms to ODEs.

The Rust library is the single implementation; this package only converts between Python objects
and the library's JSON. Numbers are exact: a spec's numbers may be ``str`` (``"1/10"``, ``"1e-3"``),
``int``, ``fractions.Fraction`` or numpy arrays of them. A ``float`` is taken as the exact binary
number it is, with an :class:`ExactnessWarning` when that differs from the decimal it prints as
(``0.1`` is 3602879701896397/36028797018963968, not 1/10). Results come back as ``Fraction`` (an
exact value) or ``(lo, hi)`` tuples of ``Fraction`` (an enclosure).

>>> import shadowcert as sc
>>> rep = sc.certify("specs/heavy_ball.json")
>>> rep.exit_code, rep["ks.assumption11"].status, rep["ks.assumption11"].values["tau1"]
"""

from __future__ import annotations

import json
import numbers
import os
import warnings
from fractions import Fraction
from typing import Any, Dict, List, Optional, Tuple, Union

from . import _shadowcert as _core

__all__ = [
    "certify",
    "check",
    "admissible",
    "trace",
    "Report",
    "Claim",
    "Admissible",
    "StepClaim",
    "Trace",
    "ShadowcertError",
    "SpecError",
    "CertificateError",
    "ExactnessWarning",
    "__version__",
]

__version__ = _core.version()

Spec = Union[str, os.PathLike, Dict[str, Any]]
Exact = Union[Fraction, Tuple[Fraction, Fraction]]


class ShadowcertError(Exception):
    """Base class of the errors this package raises."""


class SpecError(ShadowcertError, ValueError):
    """Bad input: a spec, a number or a file. ``pointer`` is the JSON pointer (or the file)."""

    def __init__(self, message: str, pointer: str = ""):
        super().__init__(message)
        self.pointer = pointer


class CertificateError(ShadowcertError):
    """A certificate that does not verify. ``claim`` names the claim (or section) that fails."""

    def __init__(self, message: str, claim: str = ""):
        super().__init__(message)
        self.claim = claim


class ExactnessWarning(UserWarning):
    """A float was converted to the exact binary number it is, which is not the decimal it shows."""


# --- exact numbers in -------------------------------------------------------------------------


def _stacklevel() -> int:
    """The `stacklevel` that makes a warning point at the first frame outside this package."""
    import sys

    here = os.path.dirname(os.path.abspath(__file__))
    level, frame = 2, sys._getframe(2)
    while frame is not None and os.path.dirname(os.path.abspath(frame.f_code.co_filename)) == here:
        frame, level = frame.f_back, level + 1
    return level


def _float_text(x: float, where: str) -> str:
    if x != x or x in (float("inf"), float("-inf")):
        raise SpecError(f"{where or '/'}: {x!r} is not a finite number", where)
    exact = Fraction(x)
    if exact != Fraction(repr(x)):
        warnings.warn(
            f"{where or '/'}: the float {x!r} is taken as the exact binary number {exact}; "
            f'pass "{x!r}" (a string) or Fraction({Fraction(repr(x)).numerator}, '
            f"{Fraction(repr(x)).denominator}) for the decimal",
            ExactnessWarning,
            stacklevel=_stacklevel(),
        )
    return f"{exact.numerator}/{exact.denominator}" if exact.denominator != 1 else str(exact.numerator)


def _to_json(value: Any, where: str = "") -> Any:
    """The spec's JSON with every number exact (see the module docs)."""
    try:
        import numpy as np
    except ImportError:  # pragma: no cover - numpy is a dependency
        np = None
    if np is not None:
        if isinstance(value, np.ndarray):
            return [_to_json(v, f"{where}/{i}") for i, v in enumerate(value.tolist())]
        if isinstance(value, np.bool_):
            return bool(value)
        if isinstance(value, np.integer):
            return int(value)
        if isinstance(value, np.floating):
            return _float_text(float(value), where)
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, Fraction):
        return str(value)
    if isinstance(value, float):
        return _float_text(value, where)
    if isinstance(value, numbers.Rational):
        return f"{value.numerator}/{value.denominator}"
    if isinstance(value, dict):
        return {str(k): _to_json(v, f"{where}/{k}") for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_to_json(v, f"{where}/{i}") for i, v in enumerate(value)]
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    raise SpecError(f"{where or '/'}: cannot use a {type(value).__name__} in a spec", where)


def _spec_text(spec: Spec) -> Tuple[str, str]:
    """(JSON text, path naming it). A path is read as it is; a dict is named `<dict>.json` in the
    working directory, which is where its dataset's `data` is then relative to."""
    if isinstance(spec, (str, os.PathLike)):
        path = os.fspath(spec)
        try:
            with open(path, "rb") as f:
                data = f.read()
        except OSError as e:
            raise SpecError(f"{path}: {e.strerror}", path) from None
        try:
            return data.decode("utf-8"), path
        except UnicodeDecodeError:
            raise SpecError(f"{path}: the spec is not UTF-8 text", path) from None
    if isinstance(spec, dict):
        return json.dumps(_to_json(spec)), "<dict>.json"
    raise SpecError(f"a spec is a path or a dict, not a {type(spec).__name__}")


def _rat_text(x: Any, name: str) -> str:
    text = _to_json(x, name)
    if not isinstance(text, (str, int)) or isinstance(text, bool):
        raise SpecError(f"{name}: {x!r} is not a number", name)
    return str(text)


def _call(result: Tuple[int, str, str]) -> Tuple[int, Any]:
    code, first, second = result
    if code == 2:
        raise SpecError(second, first)
    if code == 3:
        raise CertificateError(second, first)
    return code, json.loads(first)


# --- exact numbers out ------------------------------------------------------------------------


def _value(text: str) -> Exact:
    """`"p/q"` -> Fraction; `"[lo, hi]"` -> (Fraction, Fraction)."""
    t = text.strip()
    if t.startswith("[") and t.endswith("]"):
        lo, hi = t[1:-1].split(",")
        return Fraction(lo.strip()), Fraction(hi.strip())
    return Fraction(t)


def _values(record: Dict[str, Any], key: str) -> Dict[str, Exact]:
    return {k: _value(v) for k, v in record.get(key, {}).items() if isinstance(v, str)}


class Claim:
    """One claim of a certificate: ``id``, ``status`` (``verified``, ``refuted``,
    ``inconclusive``, ``not_applicable``), ``statement``, ``values`` and ``witnesses`` (exact),
    ``reason``, ``inequalities`` (as stored) and ``record`` (the whole JSON record)."""

    def __init__(self, record: Dict[str, Any]):
        self.record = record
        self.id: str = record["id"]
        self.status: str = record["status"]
        self.statement: str = record.get("statement", "")
        self.reason: Optional[str] = record.get("reason")
        self.values: Dict[str, Exact] = _values(record, "values")
        self.witnesses: Dict[str, Exact] = _values(record, "witnesses")
        self.measured: Dict[str, Exact] = _values(record, "measured")
        self.inequalities: List[Dict[str, Any]] = record.get("inequalities", [])

    def __repr__(self) -> str:
        return f"<Claim {self.id}: {self.status}>"


class Report:
    """The result of :func:`certify`: ``exit_code`` (0: every requested claim verified),
    ``claims`` (id -> :class:`Claim`), ``certificate`` (the JSON, to save with :meth:`save`) and
    ``text``, the report ``certify`` prints (also ``str(report)``)."""

    def __init__(self, exit_code: int, certificate: Dict[str, Any], text: str = ""):
        self.exit_code = exit_code
        self.certificate = certificate
        self.text = text
        self.claims: Dict[str, Claim] = {c["id"]: Claim(c) for c in certificate.get("claims", [])}

    def __getitem__(self, claim_id: str) -> Claim:
        try:
            return self.claims[claim_id]
        except KeyError:
            raise KeyError(f"no claim {claim_id!r}; the claims are {', '.join(self.claims)}") from None

    def __iter__(self):
        return iter(self.claims.values())

    def save(self, path: Union[str, os.PathLike]) -> None:
        """Writes the certificate (for :func:`check`, or ``certify check``)."""
        with open(path, "w", encoding="utf-8") as f:
            json.dump(self.certificate, f, indent=2, ensure_ascii=False)
            f.write("\n")

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        counts: Dict[str, int] = {}
        for c in self.claims.values():
            counts[c.status] = counts.get(c.status, 0) + 1
        summary = ", ".join(f"{n} {s}" for s, n in sorted(counts.items()))
        return f"<Report exit_code={self.exit_code}: {summary}>"


def certify(spec: Spec) -> Report:
    """Certifies a spec (a path or a dict): every claim decided, as ``certify SPEC`` does."""
    text, path = _spec_text(spec)
    code, out = _call(_core.certify(text, path))
    return Report(code, out["certificate"], out["report"])


def check(path: Union[str, os.PathLike], data_dir: Optional[Union[str, os.PathLike]] = None) -> Dict[str, Any]:
    """Checks a certificate file, as ``certify check`` does. Returns ``{"by_checker",
    "by_rerun", "exit_code"}``; raises :class:`CertificateError` naming the claim when rejected."""
    _, out = _call(_core.check(os.fspath(path), None if data_dir is None else os.fspath(data_dir)))
    return out


class StepClaim:
    """One step-size claim decided at h: ``id``, ``verdict`` (``verified``, ``refuted``,
    ``inconclusive``) and ``record`` (the :class:`Claim` that decides it)."""

    def __init__(self, entry: Dict[str, Any]):
        self.id: str = entry["id"]
        self.verdict: str = entry["verdict"]
        self.record = Claim(entry["record"])
        self.status = self.verdict
        self.values = self.record.values

    def __repr__(self) -> str:
        return f"<StepClaim {self.id} at h: {self.verdict}>"


class Admissible:
    """The result of :func:`admissible`.

    ``h`` (Fraction) and ``safe``: True when the stability claim ``basis`` (``step.stable``, else
    ``step.descent``) is verified at h, False when refuted, None when undecided or when none
    applies. ``claims``: id -> :class:`StepClaim` at h. ``ranges``: id -> dict with ``h_lo``
    (certified up to it), ``h_hi`` (refuted from it on), ``supremum`` and ``not_applicable``.
    ``exit_code``: 0 when every applicable claim is bracketed. ``certificate``: the JSON.
    ``text`` (also ``str(adm)``): the report ``certify admissible`` prints."""

    def __init__(self, exit_code: int, out: Dict[str, Any]):
        self.exit_code = exit_code
        self.certificate: Dict[str, Any] = out["certificate"]
        self.text: str = out["report"]
        v = out["verdict"]
        self.h = Fraction(v["h"])
        self.safe: Optional[bool] = v["safe"]
        self.basis: Optional[str] = v["basis"]
        self.claims: Dict[str, StepClaim] = {e["id"]: StepClaim(e) for e in v["claims"]}
        self.ranges: Dict[str, Dict[str, Any]] = {}
        for r in self.certificate["claims"]:
            entry: Dict[str, Any] = {"not_applicable": r.get("not_applicable")}
            for key in ("h_lo", "h_hi", "gap"):
                entry[key] = Fraction(r[key]) if key in r else None
            s = r.get("supremum")
            entry["supremum"] = None if s is None else (Fraction(s["value"]), bool(s["attained"]))
            self.ranges[r["id"]] = entry

    def __getitem__(self, claim_id: str) -> StepClaim:
        try:
            return self.claims[claim_id]
        except KeyError:
            raise KeyError(f"no applicable claim {claim_id!r}; they are {', '.join(self.claims)}") from None

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        word = {True: "safe", False: "NOT safe", None: "undecided"}[self.safe]
        return f"<Admissible h={self.h}: {word} ({self.basis})>"


def admissible(
    spec: Spec,
    h: Any = None,
    *,
    h_from: Any = "1e-12",
    h_to: Any = "100",
    points: int = 57,
) -> Admissible:
    """Certified step-size ranges of a spec over [h_from, h_to], and every step-size claim decided
    at ``h`` (default: the spec's step size), as ``certify admissible SPEC --h H`` does."""
    text, path = _spec_text(spec)
    h_text = None if h is None else _rat_text(h, "h")
    code, out = _call(_core.admissible(text, path, h_text, _rat_text(h_from, "h_from"), _rat_text(h_to, "h_to"), points))
    return Admissible(code, out)


class Trace:
    """The enclosed orbit and flow of :func:`trace`: ``times`` (Fractions kh), and numpy arrays
    ``orbit_lo``/``orbit_hi`` (x_k) and ``flow_lo``/``flow_hi`` (y(kh)) of shape (K+1, d), each
    x_k (each y(kh)) inside [lo, hi] componentwise; ``method`` and ``flow`` name them."""

    def __init__(self, out: Dict[str, Any]):
        import numpy as np

        self.times: List[Fraction] = [Fraction(t) for t in out["times"]]
        arr = lambda rows: np.array([[float(x) for x in row] for row in rows], dtype=np.float64)  # noqa: E731
        self.orbit_lo = arr(out["orbit_lo"])
        self.orbit_hi = arr(out["orbit_hi"])
        self.flow_lo = arr(out["flow_lo"])
        self.flow_hi = arr(out["flow_hi"])
        self.method: str = out["method"]
        self.flow: str = out["flow"]

    def __repr__(self) -> str:
        return f"<Trace {self.method}: {self.orbit_lo.shape[0]} points in dimension {self.orbit_lo.shape[1]}>"


def trace(spec: Spec) -> Trace:
    """The enclosed orbit x_k and flow y(kh), k = 0..K, as ``certify trace`` computes them."""
    text, path = _spec_text(spec)
    _, out = _call(_core.trace(text, path))
    return Trace(out)
