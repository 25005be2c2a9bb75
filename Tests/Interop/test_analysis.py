"""rank, delta, spectrum and project through the mvs binary, read back with h5py, checked against numpy."""
import h5py
import numpy as np
import pytest
from safetensors.numpy import load_file

COMPONENTS = {
    "q": "attention.self.query", "k": "attention.self.key", "v": "attention.self.value",
    "o": "attention.output.dense", "ff1": "intermediate.dense", "ff2": "output.dense",
}


def table(group):
    return {name: group[name][()] for name in group.attrs["columns"]}


@pytest.fixture(scope="module")
def minilm_tensors():
    from conftest import MODELS
    return load_file(str(MODELS / "minilm" / "model.safetensors"))


@pytest.mark.parametrize("method", ["auto", "svd", "gram"])
def test_rank_table_and_spectra_match_numpy(mvs, minilm_dir, minilm_tensors, tmp_path, method):
    """Every route to the singular values (sgesdd, the float64 Gram route, the default choice between them)."""
    out = tmp_path / "rank.h5"
    mvs("-c", f'm = load("{minilm_dir}")\n'
              f'export("{out}", rank=rank(m, layers=[0, 5], spectra=true, method="{method}"),\n'
              f'       q=spectrum(m, "layer.5.q", method="{method}"))')
    with h5py.File(out) as f:
        got = table(f["rank"])
        assert list(f["rank"].attrs["columns"]) == ["layer", "component", "rank", "erank", "srank", "energy", "sigma_max", "fro"]
        assert list(got["layer"]) == [0] * 6 + [5] * 6
        for row, (layer, component) in enumerate(zip(got["layer"], got["component"])):
            component = component.decode() if isinstance(component, bytes) else component
            w = minilm_tensors[f"encoder.layer.{layer}.{COMPONENTS[component]}.weight"]
            s = np.linalg.svd(w, compute_uv=False).astype(np.float64)
            assert got["rank"][row] == np.linalg.matrix_rank(w)
            p = s / s.sum()
            assert got["erank"][row] == pytest.approx(np.exp(-(p * np.log(p)).sum()), rel=1e-3)
            assert got["srank"][row] == pytest.approx((s ** 2).sum() / s[0] ** 2, rel=1e-3)
            assert got["energy"][row] == np.searchsorted(np.cumsum(s ** 2), 0.9 * (s ** 2).sum()) + 1
            assert got["sigma_max"][row] == pytest.approx(s[0], rel=1e-3)
            assert got["fro"][row] == pytest.approx(np.linalg.norm(w.astype(np.float64)), rel=1e-3)
        spectrum = f["rank/attachments/layer.5.ff2"][()]
        expected = np.linalg.svd(minilm_tensors["encoder.layer.5.output.dense.weight"], compute_uv=False)
        np.testing.assert_allclose(spectrum, expected, rtol=1e-4, atol=1e-5 * expected[0])
        np.testing.assert_allclose(f["q"][()], np.linalg.svd(minilm_tensors["encoder.layer.5.attention.self.query.weight"],
                                                             compute_uv=False), rtol=1e-4, atol=1e-5 * 6)


def test_gram_route_on_the_tall_word_embedding_matches_numpy(mvs, minilm_dir, minilm_tensors, tmp_path):
    """The 30522 × 384 embedding: σ from the float64 Gram route against numpy's float32 SVD, and the rank measures."""
    out = tmp_path / "embed.h5"
    mvs("-c", f'm = load("{minilm_dir}")\ns = spectrum(m, "embed")\n'
              f'export("{out}", s=s, r=[rank(m["embed"], measure="rank"), rank(m["embed"], measure="energy")])')
    w = minilm_tensors["embeddings.word_embeddings.weight"]
    expected = np.linalg.svd(w, compute_uv=False)
    with h5py.File(out) as f:
        np.testing.assert_allclose(f["s"][()], expected, rtol=1e-4, atol=1e-5 * expected[0])
        s = expected.astype(np.float64)
        assert list(f["r"][()]) == [np.linalg.matrix_rank(w), np.searchsorted(np.cumsum(s ** 2), 0.9 * (s ** 2).sum()) + 1]


def test_project_values_and_ascii_filter_match_numpy(mvs, minilm_dir, minilm_tensors, tmp_path):
    out = tmp_path / "project.h5"
    mvs("-c", f'm = load("{minilm_dir}")\n'
              f'export("{out}", values=project(m, layer=3, component="ff2", index=[7, 900], top=10),\n'
              f'       alpha=project(m, layer=3, component="ff2", index=7, top=5, alpha=true, bottom=true))')
    vocab = (minilm_dir / "vocab.txt").read_text(encoding="utf-8").split("\n")
    e = minilm_tensors["embeddings.word_embeddings.weight"]
    ff2 = minilm_tensors["encoder.layer.3.output.dense.weight"].T
    with h5py.File(out) as f:
        got = table(f["values"])
        for position, index in enumerate((7, 900)):
            scores = e @ ff2[index]
            want = np.argsort(-scores, kind="stable")[:10]
            assert list(got["index"][position * 10:(position + 1) * 10]) == [index] * 10
            assert list(got["token_id"][position * 10:(position + 1) * 10]) == list(want)
            np.testing.assert_allclose(got["score"][position * 10:(position + 1) * 10], scores[want], rtol=1e-4)
        low = table(f["alpha"])
        scores = e @ ff2[7]
        alphabetic = np.array([i for i, t in enumerate(vocab[:len(scores)]) if t.removeprefix("##").isalpha()])
        want = alphabetic[np.argsort(scores[alphabetic], kind="stable")[:5]]
        assert list(low["token_id"]) == list(want)
        tokens = [t.decode() if isinstance(t, bytes) else t for t in low["token"]]
        assert tokens == [vocab[i] for i in want]


def test_delta_of_a_synthetic_finetune(mvs, minilm_dir, minilm_tensors, tmp_path):
    """ft = base + a rank-3 update of layer.1.ff1: the delta's rank table and values, through the binary."""
    from safetensors.numpy import save_file
    rng = np.random.default_rng(1)
    tuned = dict(minilm_tensors)
    name = "encoder.layer.1.intermediate.dense.weight"
    tuned[name] = (minilm_tensors[name] + 0.01 * rng.standard_normal((1536, 3)) @ rng.standard_normal((3, 384))).astype(np.float32)
    tuned["classifier.weight"] = np.ones((2, 384), dtype=np.float32)
    ft_dir = tmp_path / "ft"
    ft_dir.mkdir()
    save_file(tuned, str(ft_dir / "model.safetensors"))
    (ft_dir / "config.json").write_text((minilm_dir / "config.json").read_text())
    out = tmp_path / "delta.h5"
    result = mvs("-c", f'base = load("{minilm_dir}")\nft = load("{ft_dir}")\nd = delta(ft, base)\nshow(d)\n'
                       f'export("{out}", r=rank(d, components=["ff1", "ff2"]), w=d["layer.1.ff1"])')
    # The new classifier head is reported, not fatal.
    only = [line for line in result.stdout.splitlines() if "only in left" in line]
    assert len(only) == 1 and ("classifier.weight" in only[0] or only[0].rstrip().endswith(": 1")), result.stdout
    assert "only in right" not in result.stdout
    with h5py.File(out) as f:
        got = table(f["r"])
        ranks = dict(zip(zip(got["layer"], [c.decode() if isinstance(c, bytes) else c for c in got["component"]]), got["rank"]))
        assert ranks[(1, "ff1")] == 3
        assert all(r == 0 for key, r in ranks.items() if key != (1, "ff1"))
        diff = (tuned[name] - minilm_tensors[name]).T
        np.testing.assert_array_equal(f["w"][()], diff)
