"""Peer: the real weightwatcher package (0.7.7) on a model directory, as a researcher runs it.

`analyze(svd_method="accurate", mp_fit=True)`: the exact-SVD metrics and the Marchenko–Pastur fit that `ww(m)`
reports (weightwatcher's default is a randomised SVD its changelog calls not accurate). Needs torch (the
benchmark environment). Prints `work_seconds=S` last: the time after the imports (torch's included there).

Usage: peer_weightwatcher.py MODEL_DIR
"""
import sys
import time

import weightwatcher  # imports torch

start = time.perf_counter()
details = weightwatcher.WeightWatcher(model=sys.argv[1]).analyze(svd_method="accurate", mp_fit=True)
print(len(details))
print(f"work_seconds={time.perf_counter() - start:.4f}")
