"""Peer: every FF value vector (row of ff2) of every layer → its top-10 tokens through E."""
import sys
import numpy as np
from peer_common import load, canonical, vocabulary

tensors = load(sys.argv[1])
E = tensors["embeddings.word_embeddings.weight"]
vocab = vocabulary(sys.argv[1])
count = 0
for layer, component, w in canonical(tensors):
    if component != "ff2":
        continue
    scores = E @ w.T                                  # vocab × d_ff
    top = np.argpartition(-scores, 10, axis=0)[:10]   # 10 × d_ff, unordered
    order = np.argsort(-np.take_along_axis(scores, top, axis=0), axis=0)
    top = np.take_along_axis(top, order, axis=0)
    count += top.shape[1]
print(count, [vocab[i] for i in top[:, 0]])
