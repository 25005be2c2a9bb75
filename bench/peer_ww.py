"""Peer: WeightWatcher's per-matrix metrics computed the way weightwatcher 0.7.7 computes them, in numpy/scipy.

Written from weightwatcher's source (weightwatcher.py, RMT_Util.py, WW_powerlaw.py) so that it runs without
torch: float64 singular values of every 2-D `*.weight` that WeightWatcher analyses, its power-law fit (WWFit:
every eigenvalue but the largest as xmin, the maximum-likelihood alpha, the KS distance against j/n, the
smallest distance wins), its norm metrics, its Marchenko–Pastur fit (linear-kernel density, brute-force
sigma grid polished by Nelder–Mead) and its rand_distance (Jensen–Shannon distance between the sorted
eigenvalues of W and of W with its elements shuffled).

Usage: peer_ww.py MODEL_DIR [--randomize] [--json OUT]   (also imported by Tests/Interop/test_ww.py)
"""
import json
import math
import os
import re
import sys

import numpy as np

EVALS_THRESH = 1e-5          # weightwatcher.constants: eigenvalues at or below are left out of the fit
EPSILON = 1e-10              # matrix_entropy's smoothing
SMALL_N_CUTOFF = 20          # WW_powerlaw: fewer eigenvalues than this use the small-N fit
MIN_EVALS, MAX_EVALS, MAX_N = 8, 15000, 50000


def selected(tensors):
    """(name without .weight, matrix) for each matrix WeightWatcher's state-dict iterator analyses, in file order."""
    out = []
    for key, value in tensors.items():
        if not key.endswith(".weight") or value.ndim != 2:
            continue
        m, n = min(value.shape), max(value.shape)
        if MIN_EVALS <= m <= MAX_EVALS and n <= MAX_N:
            out.append((key[: -len(".weight")], value))
    return out


def eigenvalues(w):
    """WeightWatcher's ESD: squares of the float64 singular values, ascending."""
    s = np.linalg.svd(np.asarray(w, dtype=np.float64), compute_uv=False)
    return np.sort(s * s)


def powerlaw_fit(evals):
    """WWFit with xmin and xmax unset: (alpha, xmin, D, sigma, num_pl_spikes)."""
    data = np.sort(evals[evals > EVALS_THRESH]).astype(np.float64)
    count = len(data)
    logs = np.log(data)
    alphas = np.zeros(count - 1)
    ds = np.ones(count - 1)
    small = count < SMALL_N_CUTOFF
    objective = np.full(count - 1, np.inf)
    for i in range(count - 1):
        n = count - i
        s = logs[i:].sum() - n * logs[i]
        if small:
            if n < 8 or s <= 1e-12:
                continue
            alpha = 1 + (n - 1) / s
        else:
            alpha = 1 + n / s
        alphas[i] = alpha
        if alpha > 1:
            ds[i] = np.max(np.abs(1 - (data[i:] / data[i]) ** (1 - alpha) - np.arange(n) / n))
            if small:
                objective[i] = ds[i] - 0.868 / math.sqrt(n)
    if small:
        best = int(np.nanargmin(objective)) if np.isfinite(objective).any() else 0
    else:
        best = int(np.argmin(ds))
    xmin = data[best]
    sigma = (alphas[best] - 1) / math.sqrt(count - best)
    return alphas[best], xmin, ds[best], sigma, int((evals >= xmin).sum())


def norm_metrics(evals, alpha, n_large):
    """apply_norm_metrics: norms of the ESD, the alpha-weighted ones, stable rank, rank and matrix entropy."""
    norm = evals.sum()
    lmax = evals.max()
    sv = np.sqrt(evals)
    rank = int(np.count_nonzero(sv > sv.max() * n_large * np.finfo(sv.dtype).eps))
    p = evals / evals.sum() + EPSILON
    entropy = -np.sum(p * np.log(p)) / np.log(rank + EPSILON)
    return {"log_norm": math.log10(norm), "log_spectral_norm": math.log10(lmax),
            "alpha_weighted": alpha * math.log10(lmax), "log_alpha_norm": math.log10(np.sum(evals ** alpha)),
            "stable_rank": norm / lmax, "matrix_rank": rank, "entropy": entropy,
            "norm": norm, "lambda_max": lmax}


def _linear_kde(samples, grid, bandwidth):
    """sklearn KernelDensity(kernel='linear') evaluated exactly: Σ max(0, 1 − |x − xᵢ|/h) / (n h)."""
    d = np.abs(grid[:, None] - samples[None, :]) / bandwidth
    return np.clip(1 - d, 0, None).sum(axis=1) / (len(samples) * bandwidth)


def _mp_residual(sigma, xde, yde, q):
    """resid_mp(allresid=False) on the precomputed density: Σ (MP(x; sigma) − density)² over x with density > 0.01."""
    if q == 1:
        with np.errstate(invalid="ignore"):
            ymp = np.nan_to_num(1 / (np.pi * sigma * sigma) * np.sqrt(4 - xde ** 2))
        return float(np.sum((ymp - yde) ** 2))
    b = (sigma * (1 + math.sqrt(1 / q))) ** 2
    a = (sigma * (1 - math.sqrt(1 / q))) ** 2
    peak = xde[np.argmax(yde)]
    if b < peak or b > xde.max() or a > peak:
        return 1000.0 ** 2 * len(xde)
    with np.errstate(invalid="ignore", divide="ignore"):
        ymp = np.nan_to_num(1 / (2 * np.pi * sigma * sigma * xde / q) * np.sqrt((b - xde) * (xde - a)))
    return float(np.sum((ymp - yde) ** 2))


def _nelder_mead_1d(f, x0, xtol=1e-4, ftol=1e-4, maxiter=200):
    """scipy.optimize.fmin's Nelder–Mead for one variable (the finish step of optimize.brute)."""
    sim = [x0, 1.05 * x0 if x0 != 0 else 0.00025]
    fsim = [f(sim[0]), f(sim[1])]
    calls = 2
    if fsim[1] < fsim[0]:
        sim.reverse(); fsim.reverse()
    iterations = 1
    while calls < maxiter and iterations < maxiter:
        if abs(sim[1] - sim[0]) <= xtol and abs(fsim[0] - fsim[1]) <= ftol:
            break
        xbar = sim[0]
        xr = 2 * xbar - sim[1]
        fxr = f(xr); calls += 1
        shrink = False
        if fxr < fsim[0]:
            xe = 3 * xbar - 2 * sim[1]
            fxe = f(xe); calls += 1
            sim[1], fsim[1] = (xe, fxe) if fxe < fxr else (xr, fxr)
        elif fxr < fsim[1]:
            xc = 1.5 * xbar - 0.5 * sim[1]
            fxc = f(xc); calls += 1
            if fxc <= fxr:
                sim[1], fsim[1] = xc, fxc
            else:
                shrink = True
        else:
            xcc = 0.5 * xbar + 0.5 * sim[1]
            fxcc = f(xcc); calls += 1
            if fxcc < fsim[1]:
                sim[1], fsim[1] = xcc, fxcc
            else:
                shrink = True
        if shrink:
            sim[1] = sim[0] + 0.5 * (sim[1] - sim[0])
            fsim[1] = f(sim[1]); calls += 1
        iterations += 1
        if fsim[1] < fsim[0]:
            sim.reverse(); fsim.reverse()
    return sim[0]


def mp_fit(evals, n_large, m_small):
    """WeightWatcher.mp_fit (rescaled ESD, sigma by brute force + fmin): (num_spikes, mp_softrank, bulk_max, sigma)."""
    q = n_large / m_small
    scale2 = len(evals) / evals.sum()
    x = evals * scale2
    lmax = x.max()
    s0 = math.sqrt(lmax / (1 + 1 / math.sqrt(q)) ** 2)
    to_fit = np.sqrt(x) if q == 1 else x
    xde = np.linspace(0, to_fit.max() + 0.5, 1000)
    yde = _linear_kde(to_fit, xde, 0.1)
    keep = yde > 0.01
    xde, yde = xde[keep], yde[keep]
    grid = np.mgrid[slice(0.05 * s0, 2.0 * s0, 0.01 * s0)]
    values = [_mp_residual(s, xde, yde, q) for s in grid]
    sigma = _nelder_mead_1d(lambda s: _mp_residual(s, xde, yde, q), grid[int(np.argmin(values))])
    bulk_max = (sigma * (1 + 1 / math.sqrt(q))) ** 2
    tw = 1 / math.sqrt(q) * bulk_max ** (2 / 3) * m_small ** (-2 / 3)
    spikes = int((x > bulk_max + math.sqrt(tw)).sum())
    return spikes, bulk_max / lmax, bulk_max / scale2, sigma


def rand_distance(w, evals, rng):
    """apply_random_esd's rand_distance: Jensen–Shannon distance (natural log) of the sorted ESDs of W and of W shuffled."""
    flat = np.array(w, dtype=np.float64).ravel()
    rng.shuffle(flat)
    shuffled = eigenvalues(flat.reshape(w.shape))[-len(evals):]
    p, q = evals / evals.sum(), shuffled / shuffled.sum()
    m = (p + q) / 2

    def kl(a, b):
        mask = a > 0
        return float(np.sum(a[mask] * np.log(a[mask] / b[mask])))
    return math.sqrt((kl(p, m) + kl(q, m)) / 2)


def analyze(tensors, randomize=False, seed=0):
    """One record per analysed matrix: name, M, N and every metric above."""
    rng = np.random.default_rng(seed)
    rows = []
    for name, w in selected(tensors):
        m_small, n_large = min(w.shape), max(w.shape)
        evals = eigenvalues(w)[-m_small:]
        alpha, xmin, d, sigma, spikes = powerlaw_fit(evals)
        row = {"name": name, "M": m_small, "N": n_large, "alpha": alpha, "xmin": xmin, "D": d, "sigma": sigma,
               "num_pl_spikes": spikes}
        row.update(norm_metrics(evals, alpha, n_large))
        num_spikes, softrank, bulk_max, sigma_mp = mp_fit(evals, n_large, m_small)
        row.update({"num_spikes": num_spikes, "mp_softrank": softrank, "bulk_max": bulk_max, "sigma_mp": sigma_mp})
        if randomize:
            row["rand_distance"] = rand_distance(w, evals, rng)
        rows.append(row)
    return rows


def main():
    args = sys.argv[1:]
    randomize = "--randomize" in args
    out = args[args.index("--json") + 1] if "--json" in args else None
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from peer_common import load
    rows = analyze(load(args[0]), randomize=randomize)
    if out:
        with open(out, "w") as f:
            json.dump(rows, f, default=float)
    print(len(rows), rows[0]["name"], rows[0]["alpha"])


if __name__ == "__main__":
    main()
