"""Is my step size safe? Ask before a long training run.

A least-squares model f(w) = (1/2n)|Xw - y|^2 on integer data is the quadratic
f(w) = (1/2) w^T Q w - b^T w + const with Q = X^T X / n and b = X^T y / n, exact rationals.
shadowcert certifies, for gradient descent and for heavy ball, which step sizes make each
theorem applicable, and gives the verdict at the step size we meant to use. With matplotlib
installed, the certified ranges are drawn to step_size.png.

Run: python python/examples/step_size_before_training.py [h]
"""

import sys
from fractions import Fraction

import numpy as np

import shadowcert as sc

rng = np.random.default_rng(7)
n, d = 200, 5
X = rng.integers(-3, 4, size=(n, d))  # integers: the spec is exact, no float is rounded
y = X @ np.array([1, -2, 0, 3, 1]) + rng.integers(-1, 2, size=n)

# Exact Q and b with Python integers (numpy's int64 products are exact at this size).
Q = [[Fraction(int(v), n) for v in row] for row in X.T @ X]
b = [Fraction(int(v), n) for v in X.T @ y]
h = Fraction(sys.argv[1]) if len(sys.argv) > 1 else Fraction(1, 10)


def spec(method, **algo):
    return {
        "name": f"least_squares_{method}",
        "objective": {"type": "quadratic", "Q": Q, "b": b},
        "domain": [[-10, 10]] * d,
        "algorithm": {"method": method, "h": h, **algo},
        "x0": [0] * d,
        "horizon": {"steps": 100},
    }


results = {
    "gradient descent": sc.admissible(spec("gd")),
    "heavy ball, lambda = 9/10": sc.admissible(spec("heavy_ball", **{"lambda": Fraction(9, 10)})),
}

for title, adm in results.items():
    word = {True: "safe", False: "NOT safe", None: "undecided"}[adm.safe]
    print(f"{title}: h = {adm.h} is {word} ({adm.basis})")
    for cid, r in adm.ranges.items():
        if r["not_applicable"]:
            continue
        sup = r["supremum"]
        if sup is not None:
            bound = f"h {'<=' if sup[1] else '<'} {float(sup[0]):.6g} (exact: {sup[0]})"
        else:
            lo, hi = r["h_lo"], r["h_hi"]
            bound = f"certified up to {float(lo):.6g}" if lo else "none certified"
            bound += f", refuted from {float(hi):.6g}" if hi else ""
        print(f"  {cid:<16} {adm[cid].verdict:<12} at h; {bound}")

try:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
except ImportError:
    print("matplotlib is not installed: no plot")
    sys.exit(0)

fig, axes = plt.subplots(len(results), 1, figsize=(8, 5), sharex=True)
for ax, (title, adm) in zip(axes, results.items()):
    rows = [(cid, r) for cid, r in adm.ranges.items() if not r["not_applicable"]]
    for i, (cid, r) in enumerate(rows):
        lo, hi = r["h_lo"], r["h_hi"]
        if lo:
            ax.barh(i, float(lo) - 1e-12, left=1e-12, color="#3a7d44", height=0.6)
        if lo and hi and hi > lo:
            ax.barh(i, float(hi - lo), left=float(lo), color="#bbbbbb", height=0.6)
        if hi:
            ax.barh(i, 100 - float(hi), left=float(hi), color="#c0392b", height=0.6)
    ax.axvline(float(adm.h), color="black", linestyle="--", linewidth=1)
    ax.set_yticks(range(len(rows)), [cid for cid, _ in rows])
    ax.set_xscale("log")
    ax.set_xlim(1e-4, 100)
    ax.set_title(f"{title}: certified (green) and refuted (red) step sizes; dashed: h = {adm.h}", fontsize=9)
axes[-1].set_xlabel("step size h")
fig.tight_layout()
fig.savefig("step_size.png", dpi=110)
print("plot written to step_size.png")
