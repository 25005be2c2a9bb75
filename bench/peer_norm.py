"""Peer: the Frobenius norm of every parameter of a model together (reads every tensor once)."""
import sys
import numpy as np
from peer_common import load

total = 0.0
for name, value in load(sys.argv[1]).items():
    if value.dtype.kind == "f":
        flat = value.ravel()
        total += float(np.dot(flat, flat))
print(total ** 0.5)
