"""align through the mvs binary: matrices exported as labelled 2-D datasets, every value against numpy on
the real MiniLM weights read by safetensors."""
import shutil

import h5py
import numpy as np
import pytest
from safetensors.numpy import load_file, save_file

from conftest import run_mvs


def strings(dataset):
    return [s.decode() if isinstance(s, bytes) else s for s in dataset[()]]


def unit_images(e, vectors):
    """Each column vector v of `vectors` read as its vocabulary image E·v, scaled to unit length."""
    images = e.astype(np.float64) @ vectors.astype(np.float64)
    return images / np.linalg.norm(images, axis=0, keepdims=True)


def test_align_matrices_export_as_labelled_2d_datasets(minilm_dir, tmp_path):
    out = tmp_path / "align.h5"
    run_mvs("-c", f'm = load("{minilm_dir}")\n'
                  f'export("{out}", a=align(m, m, component="q"), p=align(m, m, component="q", pair=[1, 4]))')
    w = load_file(str(minilm_dir / "model.safetensors"))
    e = w["embeddings.word_embeddings.weight"]
    # q in canonical orientation is d × d_out; its vectors are its columns (the rows of the stored weight).
    images = [unit_images(e, w[f"encoder.layer.{layer}.attention.self.query.weight"].T) for layer in range(6)]
    expected = np.empty((6, 6))
    for i in range(6):
        for j in range(6):
            cosines = images[i].T @ images[j]
            expected[i, j] = (cosines.max(axis=1).mean() + cosines.max(axis=0).mean()) / 2
    with h5py.File(out) as f:
        similarity = f["a/similarity"]
        assert similarity[()].shape == (6, 6)
        assert [d.label for d in similarity.dims] == ["layer_a", "layer_b"]
        assert list(similarity.dims[0][0][()]) == list(range(6)) and list(similarity.dims[1][0][()]) == list(range(6))
        np.testing.assert_allclose(similarity[()], expected, atol=2e-5)
        # The table view for display is still there.
        assert list(f["a"].attrs["columns"]) == ["layer", "b0", "b1", "b2", "b3", "b4", "b5"]
        np.testing.assert_allclose(f["a/b2"][()], expected[:, 2], atol=2e-5)
        # The matching carries the score matrix it maximised and the layer × layer similarity.
        scores = f["p/scores"]
        assert scores[()].shape == (384, 384) and [d.label for d in scores.dims] == ["index_a", "index_b"]
        assert list(scores.dims[1][0][()]) == list(range(384))
        np.testing.assert_allclose(scores[()], images[1].T @ images[4], atol=2e-5)
        np.testing.assert_allclose(f["p/similarity"][()], expected, atol=2e-5)
        assert list(f["p"].attrs["matrices"]) == ["scores", "similarity"]
        matched = scores[()][f["p/index_a"][()], f["p/index_b"][()]]
        np.testing.assert_allclose(f["p/score"][()], matched, atol=1e-6)


def correlations(x, y):
    """Pearson correlations over the vocabulary of the columns of two token × vector image matrices."""
    zx = (x - x.mean(axis=0)) / x.std(axis=0)
    zy = (y - y.mean(axis=0)) / y.std(axis=0)
    return zx.T @ zy / x.shape[0]


def best_match(scores):
    return (scores.max(axis=1).mean() + scores.max(axis=0).mean()) / 2


@pytest.fixture(scope="module")
def perturbed_minilm(tmp_path_factory):
    """MiniLM with noise on every float tensor (embeddings included, so E₁ ≠ E₂) and layer 2's value vectors
    permuted: a second model over the same vocabulary whose alignment is not the identity."""
    from conftest import MODELS
    source = MODELS / "minilm"
    target = tmp_path_factory.mktemp("perturbed")
    for name in ("config.json", "vocab.txt", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json"):
        if (source / name).exists():
            shutil.copy(source / name, target / name)
    weights = load_file(str(source / "model.safetensors"))
    rng = np.random.default_rng(7)
    permutation = rng.permutation(1536)
    out = {}
    for name, w in weights.items():
        if w.dtype == np.float32 and w.ndim == 2:
            w = w + 0.3 * w.std() * rng.standard_normal(w.shape).astype(np.float32)
        if name == "encoder.layer.2.output.dense.weight":
            w = w[:, permutation]
        out[name] = np.ascontiguousarray(w)
    save_file(out, str(target / "model.safetensors"))
    return target, out, permutation


def test_kernelised_correlation_equals_direct_vocabulary_computation(minilm_dir, perturbed_minilm, tmp_path):
    other, w2, permutation = perturbed_minilm
    n = 2000
    out = tmp_path / "corr.h5"
    run_mvs("-c", f'a = load("{minilm_dir}")\nb = load("{other}")\n'
                  f'export("{out}", q=align(a, b, component="q", measure="correlation", vocab_limit={n}),\n'
                  f'       heads=align(a, b, component="k", heads=true, measure="correlation", vocab_limit={n}),\n'
                  f'       ff2=align(a, b, component="ff2", pair=[2, 2], measure="correlation", vocab_limit={n}))')
    w1 = load_file(str(minilm_dir / "model.safetensors"))
    e1 = w1["embeddings.word_embeddings.weight"][:n].astype(np.float64)
    e2 = w2["embeddings.word_embeddings.weight"][:n].astype(np.float64)

    def images(e, w, layer, component):
        return e @ w[f"encoder.layer.{layer}.attention.self.{component}.weight"].T.astype(np.float64)

    with h5py.File(out) as f:
        # Layer × layer over query vectors: the paper's correlation on explicit 2000-long images.
        q1 = [images(e1, w1, layer, "query") for layer in range(6)]
        q2 = [images(e2, w2, layer, "query") for layer in range(6)]
        expected = np.array([[best_match(correlations(q1[i], q2[j])) for j in range(6)] for i in range(6)])
        np.testing.assert_allclose(f["q/similarity"][()], expected, atol=1e-4)
        assert np.argmax(expected, axis=1).tolist() == list(range(6))
        # Per head: 12 heads of 32 key vectors per layer, 72 × 72, labelled layer.head.
        heads = f["heads/similarity"]
        assert heads.shape == (72, 72) and [d.label for d in heads.dims] == ["head_a", "head_b"]
        assert strings(heads.dims[0][0])[:3] == ["0.0", "0.1", "0.2"]
        k1 = [images(e1, w1, layer, "key") for layer in (0, 5)]
        k2 = [images(e2, w2, layer, "key") for layer in (0, 5)]
        for (i, la), (j, lb) in [((0, 0), (0, 0)), ((0, 0), (1, 5)), ((1, 5), (1, 5))]:
            for ha, hb in [(0, 0), (3, 7), (11, 11)]:
                got = heads[la * 12 + ha, lb * 12 + hb]
                want = best_match(correlations(k1[i][:, ha * 32:(ha + 1) * 32], k2[j][:, hb * 32:(hb + 1) * 32]))
                assert abs(got - want) < 1e-4, (la, ha, lb, hb, got, want)
        # The Hungarian matching of layer 2's value vectors maximises the same correlations and finds the permutation.
        v1 = e1 @ w1["encoder.layer.2.output.dense.weight"].astype(np.float64)
        v2 = e2 @ w2["encoder.layer.2.output.dense.weight"].astype(np.float64)
        scores = correlations(v1, v2)
        np.testing.assert_allclose(f["ff2/scores"][()], scores, atol=1e-4)
        index_b = f["ff2/index_b"][()]
        assert (index_b == np.argsort(permutation)).mean() > 0.95
        np.testing.assert_allclose(f["ff2/score"][()], scores[f["ff2/index_a"][()], index_b], atol=1e-4)
