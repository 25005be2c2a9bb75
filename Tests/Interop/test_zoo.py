"""Zoo interop: vectors and clusters from mvs against an independent numpy/scikit-learn computation."""
import math
import subprocess
import sys

import h5py
import numpy as np
import pytest
from safetensors.numpy import load_file
from sklearn.cluster import AgglomerativeClustering, KMeans
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score, silhouette_score
from sklearn.metrics.cluster import contingency_matrix

from conftest import REPO

MASK = (1 << 64) - 1
ORDER = ["query", "key", "value", "attention.output", "intermediate", "output.dense"]


class SplitMix64:
    """The generator mvs documents for its sketch (docs/zoo.md), written again from the description."""

    def __init__(self, seed, label):
        h = 0xCBF29CE484222325
        for byte in label.encode():
            h = ((h ^ byte) * 0x100000001B3) & MASK
        self.state = (seed ^ h) & MASK
        self.spare = None

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)

    def uniform(self):
        return ((self.next() >> 11) + 0.5) / float(1 << 53)

    def gaussian(self):
        if self.spare is not None:
            value, self.spare = self.spare, None
            return value
        radius = math.sqrt(-2 * math.log(self.uniform()))
        angle = 2 * math.pi * self.uniform()
        self.spare = radius * math.sin(angle)
        return radius * math.cos(angle)


def canonical(tensors):
    """(canonical name, x·W matrix) in schema order for the synthetic BERT layout."""
    names = {"attention.self.query": "q", "attention.self.key": "k", "attention.self.value": "v",
             "attention.output.dense": "o", "intermediate.dense": "ff1", "output.dense": "ff2"}
    out = []
    layers = sorted({int(n.split(".")[2]) for n in tensors if n.startswith("encoder.layer.")})
    for layer in layers:
        for raw, component in names.items():
            out.append((f"layer.{layer}.{component}", tensors[f"encoder.layer.{layer}.{raw}.weight"].T))
    return out


def numpy_sketch(base, ft, dim, seed):
    a = int(math.isqrt(dim))
    while dim % a:
        a -= 1
    b = dim // a
    out = np.zeros(dim)
    for (name, w0), (_, w1) in zip(canonical(base), canonical(ft)):
        m, n = w0.shape
        rng = SplitMix64(seed, f"{name}#{m}x{n}")
        left = np.array([rng.gaussian() for _ in range(a * m)], np.float32).reshape(a, m)
        right = np.array([rng.gaussian() for _ in range(n * b)], np.float32).reshape(n, b)
        out += (left.astype(np.float64) @ (w1 - w0).astype(np.float64) @ right.astype(np.float64)).ravel() / math.sqrt(dim)
    return out


def strings(values):
    return [x.decode() if isinstance(x, bytes) else x for x in values]


def export_and_read(mvs, tmp_path, script, exports, *paths):
    """Runs `script` then `export(file, <exports>)` and reads back `paths` in order: "group/dataset" arrays,
    or "group@name" attributes."""
    out = tmp_path / "out.h5"
    mvs("-c", f'{script}\nexport("{out}", {exports})')
    with h5py.File(out) as f:
        return [f[path.split("@")[0]].attrs[path.split("@")[1]] if "@" in path else f[path][()] for path in paths]


def canonical_deltas(zoo, base, name):
    """(base matrix, delta matrix) per canonical matrix of zoo member `name`."""
    ft = load_file(str(zoo / name / "model.safetensors"))
    return [(w0, (w1 - w0).astype(np.float64)) for (_, w0), (_, w1) in zip(canonical(base), canonical(ft))]


@pytest.fixture(scope="module")
def zoo(tmp_path_factory):
    folder = tmp_path_factory.mktemp("zoo")
    subprocess.check_call([sys.executable, str(REPO / "scripts" / "make-zoo"), "--synthetic", "2x16", "--out", str(folder),
                           "--tasks", "3", "--per-task", "4"], stdout=subprocess.DEVNULL)
    return folder


def test_sketch_equals_independent_numpy_projection(mvs, zoo, tmp_path):
    matrix, names = export_and_read(
        mvs, tmp_path, f'v = vectorize(models("{zoo}/manifest.csv"), base=load("{zoo}/base"), dim=64, seed=3, normalize="none")',
        "vectors=v", "vectors/matrix", "vectors/names")
    names = strings(names)
    base = load_file(str(zoo / "base" / "model.safetensors"))
    assert matrix.shape == (12, 64)
    for row, name in enumerate(names[:4]):
        expected = numpy_sketch(base, load_file(str(zoo / name / "model.safetensors")), 64, 3)
        np.testing.assert_allclose(matrix[row], expected, rtol=1e-3, atol=1e-4 * np.abs(expected).max())


def test_clusters_match_scikit_learn_and_recover_tasks(mvs, zoo, tmp_path):
    vectors, labels, ours, by_similarity = export_and_read(
        mvs, tmp_path, f'zoo = models("{zoo}/manifest.csv")\nbase = load("{zoo}/base")\n'
                       f'v = vectorize(zoo, base=base)\nc = cluster(v, k=3, seed=0)\n'
                       f's = cluster(similarity(zoo, base=base), k=3)',
        "vectors=v, clusters=c, bysim=s", "vectors/matrix", "vectors/labels", "clusters/labels", "bysim/labels")
    labels = strings(labels)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1, rtol=1e-5)  # unit rows by default
    theirs = KMeans(3, n_init=10, random_state=0).fit_predict(vectors)
    assert adjusted_rand_score(theirs, ours) == 1
    assert adjusted_rand_score(labels, ours) >= 0.9
    assert adjusted_rand_score(labels, by_similarity) >= 0.9


def test_scores_against_task_labels_match_scikit_learn_on_imperfect_partitions(mvs, zoo, tmp_path):
    # k = 2 and k = 5 cannot reproduce three tasks: ARI < 1, where its expected-index term matters (on a perfect
    # partition any expected index gives 1), and NMI and purity below 1 as well.
    results = export_and_read(
        mvs, tmp_path, f'v = vectorize(models("{zoo}/manifest.csv"), base=load("{zoo}/base"))',
        "v=v, c2=cluster(v, k=2, seed=0), c5=cluster(v, k=5, seed=0)", "v/labels",
        *[f"{c}/labels" for c in ("c2", "c5")], *[f"{c}@{score}" for c in ("c2", "c5") for score in ("ari", "nmi", "purity")])
    labels, two, five, scores = strings(results[0]), results[1], results[2], results[3:]
    for ours, (ari, nmi, purity) in [(two, scores[:3]), (five, scores[3:])]:
        truth = adjusted_rand_score(labels, ours)
        assert 0 < truth < 0.99
        assert ari == pytest.approx(truth, abs=1e-9)
        assert nmi == pytest.approx(normalized_mutual_info_score(labels, ours), abs=1e-9)
        contingency = contingency_matrix(labels, ours)
        assert purity == pytest.approx(contingency.max(axis=0).sum() / contingency.sum(), abs=1e-12)


def test_similarity_is_exact_cosine_and_agglomerative_matches(mvs, zoo, tmp_path):
    matrix, names, ours = export_and_read(
        mvs, tmp_path, f'zoo = models("{zoo}/manifest.csv")\ns = similarity(zoo, base=load("{zoo}/base"))',
        's=s, c=cluster(s, k=3, linkage="complete")', "s/matrix", "s/names", "c/labels")
    names = strings(names)
    base = load_file(str(zoo / "base" / "model.safetensors"))
    deltas = np.array([np.concatenate([d.ravel() for _, d in canonical_deltas(zoo, base, name)]) for name in names])
    unit = deltas / np.linalg.norm(deltas, axis=1, keepdims=True)
    np.testing.assert_allclose(matrix, unit @ unit.T, atol=1e-5)
    theirs = AgglomerativeClustering(3, metric="precomputed", linkage="complete").fit_predict(1 - unit @ unit.T)
    assert adjusted_rand_score(theirs, ours) == 1


def test_rel_profile_matches_numpy_and_silhouette(mvs, zoo, tmp_path):
    matrix, names, ours, silhouette = export_and_read(
        mvs, tmp_path, f'zoo = models("{zoo}/manifest.csv")\nv = vectorize(zoo, base=load("{zoo}/base"), stat="rel")',
        "v=v, c=cluster(v, k=3, seed=1)", "v/matrix", "v/names", "c/labels", "c@silhouette")
    names = strings(names)
    base = load_file(str(zoo / "base" / "model.safetensors"))
    for row, name in enumerate(names):
        expected = [np.linalg.norm(d) / np.linalg.norm(w0) for w0, d in canonical_deltas(zoo, base, name)]
        np.testing.assert_allclose(matrix[row], expected, rtol=1e-5)
    assert abs(silhouette_score(matrix.astype(np.float64), ours) - silhouette) < 1e-4
