"""Peer: singular values of every canonical matrix; numerical rank, effective rank, stable rank."""
import sys
from peer_common import load, canonical, rank_measures

rows = [(layer, component, *rank_measures(w)) for layer, component, w in canonical(load(sys.argv[1]))]
print(len(rows), rows[0])
