"""Peer: singular values of every canonical matrix; numerical rank, effective rank, stable rank."""
import sys
import numpy as np
from peer_common import load, canonical

rows = []
for layer, component, w in canonical(load(sys.argv[1])):
    s = np.linalg.svd(w, compute_uv=False)
    tol = s.max() * max(w.shape) * np.finfo(np.float32).eps
    p = s / s.sum()
    rows.append((layer, component, int((s > tol).sum()), float(np.exp(-(p * np.log(p)).sum())),
                 float((s ** 2).sum() / s.max() ** 2)))
print(len(rows), rows[0])
