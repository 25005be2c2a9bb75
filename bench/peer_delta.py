"""Peer: the delta of two models, and its total Frobenius norm (forces every tensor)."""
import sys
import numpy as np
from peer_common import load

ft, base = load(sys.argv[1]), load(sys.argv[2])
total = 0.0
for name, value in base.items():
    if name in ft and value.dtype.kind == "f":
        d = ft[name] - value
        total += float(np.dot(d.ravel(), d.ravel()))
print(total ** 0.5)
