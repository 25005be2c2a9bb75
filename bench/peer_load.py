"""Peer: open a model and touch one tensor (its norm)."""
import sys
import numpy as np
from peer_common import load

tensors = load(sys.argv[1])
print(float(np.linalg.norm(tensors["encoder.layer.0.attention.self.query.weight"])))
