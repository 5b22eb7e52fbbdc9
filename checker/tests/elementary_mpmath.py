#!/usr/bin/env python3
"""Writes elementary_mpmath.txt: independent values of the elementary functions for the tests of
checker/src/elementary.rs; and checker/src/elementary_hard_cases.txt: for each function, the
points among 20000 random ones whose value lies nearest to the midpoint of two floats, with the
correctly rounded value (the start-up self-test of CORE-MATH).

Each line is `function x lo hi`, three f64 given by their bit patterns in hex: lo is the greatest
f64 <= f(x) and hi the least f64 >= f(x) (lo = hi when f(x) is a float), f(x) computed by mpmath
at 320 bits. An enclosure with f64 ends contains f(x) exactly when it contains [lo, hi].

Run: python3 checker/tests/elementary_mpmath.py  (mpmath 1.3; deterministic, seed below).
"""
import math
import os
import random
import struct

import mpmath
from mpmath import mp, mpf

mp.prec = 320
rng = random.Random(20261207)
MAX = 1.7976931348623157e308


def bits(x):
    return struct.unpack("<Q", struct.pack("<d", x))[0]


def bracket(v):
    """(lo, hi): the f64 neighbours of the real v (mpf)."""
    if v > mpf(MAX):
        return MAX, math.inf
    if v < -mpf(MAX):
        return -math.inf, -MAX
    d = float(mpf(v))  # round to nearest at 53 bits
    if d == math.inf or d == -math.inf:  # between MAX and the overflow threshold
        d = math.copysign(MAX, d)
    if mpf(d) > v:
        return math.nextafter(d, -math.inf), d
    if mpf(d) < v:
        return d, math.nextafter(d, math.inf)
    return d, d


def ulps_around(x, k):
    out = [x]
    up = down = x
    for _ in range(k):
        up = math.nextafter(up, math.inf)
        down = math.nextafter(down, -math.inf)
        out += [up, down]
    return out


def log_uniform(lo_exp, hi_exp, n, signed=False):
    out = []
    for _ in range(n):
        x = rng.uniform(1.0, 2.0) * 2.0 ** rng.randint(lo_exp, hi_exp)
        if signed and rng.random() < 0.5:
            x = -x
        out.append(x)
    return out


def uniform(a, b, n):
    return [rng.uniform(a, b) for _ in range(n)]


def near_half_pi_multiples(kmax, n):
    out = []
    for _ in range(n):
        k = rng.randint(-kmax, kmax)
        out += ulps_around(float(k * mp.pi / 2), 2)
    return out


SUBNORMALS = [5e-324, -5e-324, 2.2250738585072014e-308, -2.2250738585072014e-308, 1e-310]
POINTS = {
    "exp": [0.0, 1.0, -1.0, 709.782712893384, 709.7827128933841, -745.1332191019411, -708.3964185322641]
    + ulps_around(709.782712893384, 3) + ulps_around(-745.1332191019411, 3) + ulps_around(-708.3964185322641, 2)
    + uniform(-745.2, 709.8, 250) + uniform(-1.0, 1.0, 100) + log_uniform(-1074, -1, 80, signed=True) + SUBNORMALS,
    "ln": [1.0, 2.0, 0.5, MAX, 5e-324] + ulps_around(1.0, 5) + log_uniform(-1074, 1023, 300)
    + uniform(0.5, 2.0, 100) + [abs(x) for x in SUBNORMALS],
    "log2": [1.0, 2.0, 0.5, 1024.0, 2.0 ** -1074, 2.0 ** -1022, 2.0 ** 1023, MAX] + ulps_around(1.0, 5)
    + [2.0 ** rng.randint(-1074, 1023) for _ in range(60)] + log_uniform(-1074, 1023, 300) + uniform(0.5, 2.0, 60),
    "sin": [0.0, 1.0, 1e15, 1e22, 2.0 ** 1000, 1e300, -1e300] + uniform(-10.0, 10.0, 200) + uniform(-1e6, 1e6, 60)
    + near_half_pi_multiples(40, 30) + near_half_pi_multiples(2000000, 20) + log_uniform(-1074, -1, 40, signed=True)
    + log_uniform(0, 60, 40, signed=True),
    "cos": [0.0, 1.0, 1e15, 1e22, 2.0 ** 1000, 1e300, -1e300] + uniform(-10.0, 10.0, 200) + uniform(-1e6, 1e6, 60)
    + near_half_pi_multiples(40, 30) + near_half_pi_multiples(2000000, 20) + log_uniform(-1074, -1, 40, signed=True)
    + log_uniform(0, 60, 40, signed=True),
    "tanh": [0.0, 19.06, -19.06, 20.0, 40.0, -40.0, 400.0, MAX, -MAX] + uniform(-25.0, 25.0, 300)
    + log_uniform(-1074, -1, 100, signed=True) + uniform(-1.0, 1.0, 60),
    "sinh": [0.0, 710.4758600739439, -710.4758600739439, 710.5, -710.5] + ulps_around(710.4758600739439, 3)
    + uniform(-711.0, 711.0, 250) + uniform(-1.0, 1.0, 100) + log_uniform(-1074, -1, 80, signed=True),
    "asinh": [0.0, MAX, -MAX, 1.0, -1.0] + log_uniform(-1074, 1023, 300, signed=True) + uniform(-3.0, 3.0, 100),
    "sigmoid": [0.0, 1.0, -1.0, 36.0, 37.0, -745.0, -746.0, 710.0, MAX, -MAX] + uniform(-40.0, 40.0, 300)
    + uniform(-800.0, 800.0, 60) + log_uniform(-1074, -1, 40, signed=True),
}
FUNCTIONS = {
    "exp": mpmath.exp,
    "ln": mpmath.log,
    "log2": lambda x: mpmath.log(x, 2),
    "sin": mpmath.sin,
    "cos": mpmath.cos,
    "tanh": mpmath.tanh,
    "sinh": mpmath.sinh,
    "asinh": mpmath.asinh,
    "sigmoid": lambda x: 1 / (1 + mpmath.exp(-x)),
}


HARD_RANGES = {
    "exp": (-700.0, 700.0),
    "ln": (1e-300, 1e300),
    "log2": (1e-300, 1e300),
    "sin": (-100.0, 100.0),
    "cos": (-100.0, 100.0),
    "tanh": (-20.0, 20.0),
    "sinh": (-700.0, 700.0),
    "asinh": (-1e300, 1e300),
}


def hard_cases(per_function=4, samples=20000):
    """(name, x, RN(f(x))) for the points whose f(x) is nearest to a midpoint of two floats."""
    out = []
    for name, (a, b) in HARD_RANGES.items():
        f = FUNCTIONS[name]
        scored = []
        for _ in range(samples):
            if name in ("ln", "log2"):
                x = rng.uniform(1.0, 2.0) * 2.0 ** rng.randint(-990, 990)
            elif name == "asinh":
                x = rng.choice([-1.0, 1.0]) * rng.uniform(1.0, 2.0) * 2.0 ** rng.randint(-990, 990)
            else:
                x = rng.uniform(a, b)
            v = f(mpf(x))
            lo, hi = bracket(v)
            if lo == hi or math.isinf(lo) or math.isinf(hi):
                continue
            mid = (mpf(lo) + mpf(hi)) / 2
            scored.append((abs(v - mid) / (mpf(hi) - mpf(lo)), x, lo if v < mid else hi))
        scored.sort()
        out += [(name, x, rn) for _, x, rn in scored[:per_function]]
    return out


def main():
    lines = []
    for name, xs in POINTS.items():
        f = FUNCTIONS[name]
        for x in xs:
            if name in ("sin", "cos") and abs(x) > 1e250:
                mp.prec = 1400  # the argument reduction needs the bits of x against pi
            lo, hi = bracket(f(mpf(x)))
            mp.prec = 320
            lines.append(f"{name} {bits(x):016x} {bits(lo):016x} {bits(hi):016x}")
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, "elementary_mpmath.txt"), "w") as out:
        out.write("# function x lo hi: f64 bit patterns; lo <= f(x) <= hi adjacent floats (mpmath 1.3, 320 bits)\n")
        out.write("# generated by elementary_mpmath.py; do not edit\n")
        out.write("\n".join(lines) + "\n")
    print(len(lines), "points")
    hard = hard_cases()
    with open(os.path.join(here, "..", "src", "elementary_hard_cases.txt"), "w") as out:
        out.write("# function x RN(f(x)): f64 bit patterns; f(x) nearest to a midpoint of two floats among 20000\n")
        out.write("# random points (mpmath 1.3, 320 bits); generated by checker/tests/elementary_mpmath.py\n")
        out.write("\n".join(f"{n} {bits(x):016x} {bits(r):016x}" for n, x, r in hard) + "\n")
    print(len(hard), "hard cases")


if __name__ == "__main__":
    main()
