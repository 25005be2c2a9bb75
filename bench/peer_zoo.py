"""Peer: vectorise a zoo (the same Kronecker-structured Gaussian projection as mvs: A·ΔW·B per matrix,
summed over matrices) and k-means it; a dense 512 × 10M Gaussian map would not fit in memory."""
import sys
import numpy as np
from sklearn.cluster import KMeans
from sklearn.metrics import adjusted_rand_score
from peer_common import load, canonical, manifest

base_path, manifest_path = sys.argv[1], sys.argv[2]
base = canonical(load(base_path))
members = manifest(manifest_path)
dim = 512
rng = np.random.default_rng(0)
a, b = 16, 32
projections = [(rng.standard_normal((a, w.shape[0]), dtype=np.float32),
                rng.standard_normal((w.shape[1], b), dtype=np.float32)) for _, _, w in base]
vectors = np.zeros((len(members), dim), np.float32)
for row, (path, name, label) in enumerate(members):
    ft = canonical(load(path))
    for (_, _, w0), (_, _, w1), r in zip(base, ft, projections):
        vectors[row] += (r[0] @ (w1 - w0) @ r[1]).ravel() / np.sqrt(dim)
vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
labels = [label for _, _, label in members]
k = len(set(labels))
clusters = KMeans(k, n_init=10, random_state=0).fit_predict(vectors)
print("ARI", adjusted_rand_score(labels, clusters))
