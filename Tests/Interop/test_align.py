"""align through the mvs binary: matrices exported as labelled 2-D datasets, every value against numpy on
the real MiniLM weights read by safetensors."""
import h5py
import numpy as np
from safetensors.numpy import load_file

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
