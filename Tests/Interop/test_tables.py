"""Table verbs and axis reductions on a real model, driven through the real mvs binary and checked with
numpy on the same weights read by safetensors (never against mvs's own earlier output)."""
import h5py
import numpy as np
from safetensors.numpy import load_file

from conftest import REPO, run_mvs


def strings(dataset):
    return [s.decode() if isinstance(s, bytes) else s for s in dataset[()]]


def test_axis_reductions_match_numpy(minilm_dir, tmp_path):
    out = tmp_path / "axis.h5"
    run_mvs("-c", f"""
m = load("{minilm_dir}")
w = m["encoder.layer.2.intermediate.dense.weight"]
export("{out}", rows=norm(w, axis=1), cols=norm(w, axis=0), mean0=mean(w, axis=0), std1=std(w, axis=1),
       sum1=sum(w, axis=1), max0=max(w, axis=0), argmax1=argmax(w, axis=1), argmin0=argmin(w, axis=0),
       top=topk(norm(w, axis=1), 5).indices, order=argsort(norm(w, axis=1), descending=true),
       big=w[norm(w, axis=1) > 2], stacked=concat([w[0:2], w[5:6]]))
""")
    w = load_file(str(minilm_dir / "model.safetensors"))["encoder.layer.2.intermediate.dense.weight"].astype(np.float64)
    with h5py.File(out) as f:
        np.testing.assert_allclose(f["rows"][()], np.linalg.norm(w, axis=1), rtol=1e-5)
        np.testing.assert_allclose(f["cols"][()], np.linalg.norm(w, axis=0), rtol=1e-5)
        np.testing.assert_allclose(f["mean0"][()], w.mean(axis=0), rtol=1e-4, atol=1e-7)
        np.testing.assert_allclose(f["std1"][()], w.std(axis=1), rtol=1e-5)
        np.testing.assert_allclose(f["sum1"][()], w.sum(axis=1), rtol=1e-4, atol=1e-5)
        np.testing.assert_array_equal(f["max0"][()], w.max(axis=0).astype(np.float32))
        np.testing.assert_array_equal(f["argmax1"][()], w.argmax(axis=1))
        np.testing.assert_array_equal(f["argmin0"][()], w.argmin(axis=0))
        norms = np.linalg.norm(w, axis=1)
        np.testing.assert_array_equal(f["top"][()], np.argsort(-norms, kind="stable")[:5])
        np.testing.assert_array_equal(f["order"][()], np.argsort(-norms, kind="stable"))
        np.testing.assert_array_equal(f["big"][()], w[norms > 2].astype(np.float32))
        np.testing.assert_array_equal(f["stacked"][()], w[[0, 1, 5]].astype(np.float32))


def test_group_pivot_concat_join_match_numpy(minilm_dir, tmp_path):
    out = tmp_path / "tables.h5"
    run_mvs("-c", f"""
m = load("{minilm_dir}")
r = rank(m)
both = concat({{base: r, half: rank(0.5 * m)}}, key="model")
export("{out}", r=r, g=group(r, by="component", agg=["mean", "std", "max", "count"], values=["erank", "fro"]),
       p=pivot(r, rows="layer", columns="component", values="srank"), s=sort(r, by="erank", descending=true),
       top=r[r.erank > 300 and r.component != "ff2"], both=group(both, by="model", values="fro"),
       j=join(r, table(component=["q", "ff1"], tag=["query", "up"]), on="component"))
""")
    weights = load_file(str(minilm_dir / "model.safetensors"))
    names = {"q": "attention.self.query", "k": "attention.self.key", "v": "attention.self.value",
             "o": "attention.output.dense", "ff1": "intermediate.dense", "ff2": "output.dense"}
    with h5py.File(out) as f:
        layers, components = f["r/layer"][()], strings(f["r/component"])
        erank, fro = f["r/erank"][()], f["r/fro"][()]
        # The rank table itself against numpy on the real weights: every Frobenius norm.
        for layer, component, value in zip(layers, components, fro):
            expected = np.linalg.norm(weights[f"encoder.layer.{layer}.{names[component]}.weight"].astype(np.float64))
            assert abs(value - expected) / expected < 1e-4
        order = list(dict.fromkeys(components))
        assert strings(f["g/component"]) == order
        for i, component in enumerate(order):
            picked = erank[[c == component for c in components]]
            assert abs(f["g/erank_mean"][i] - picked.mean()) < 1e-9
            assert abs(f["g/erank_std"][i] - picked.std(ddof=1)) < 1e-9
            assert f["g/erank_max"][i] == picked.max()
            assert f["g/count"][i] == len(picked)
        srank = f["r/srank"][()]
        for i, layer in enumerate(f["p/layer"][()]):
            for component in order:
                expected = srank[[(l == layer and c == component) for l, c in zip(layers, components)]][0]
                assert f[f"p/{component}"][i] == expected
        # The pivot is also a 2-D dataset whose dimension scales name and label both axes.
        grid = f["p/srank"]
        assert grid.shape == (6, 6) and [d.label for d in grid.dims] == ["layer", "component"]
        assert list(grid.dims[0][0][()]) == list(f["p/layer"][()]) and strings(grid.dims[1][0]) == order
        for i, layer in enumerate(grid.dims[0][0][()]):
            for j, component in enumerate(order):
                expected = srank[[(l == layer and c == component) for l, c in zip(layers, components)]][0]
                assert abs(grid[i, j] - expected) <= 1e-6 * abs(expected)
        np.testing.assert_array_equal(f["s/erank"][()], np.sort(erank)[::-1])
        keep = (erank > 300) & np.array([c != "ff2" for c in components])
        np.testing.assert_array_equal(f["top/erank"][()], erank[keep])
        assert strings(f["both/model"]) == ["base", "half"]
        np.testing.assert_allclose(f["both/fro"][()], [fro.mean(), fro.mean() / 2], rtol=1e-5)
        assert strings(f["j/tag"]) == ["query" if c == "q" else "up" for c in components if c in ("q", "ff1")]


def test_pca_explained_variance_matches_scikit_learn(tmp_path):
    from sklearn.decomposition import PCA

    out = tmp_path / "pca.h5"
    zoo = REPO / "Tests" / "Fixtures" / "zoo"
    run_mvs("-c", f"""
v = vectorize(models("{zoo / 'manifest.csv'}"), base=load("{zoo / 'base'}"), stat="rel")
export("{out}", v=v, p=pca(v, 3))
""")
    with h5py.File(out) as f:
        matrix = f["v/matrix"][()].astype(np.float64)
        ratios = f["p/attachments/explained_variance"][()]
        scores = np.stack([f["p/pc1"][()], f["p/pc2"][()], f["p/pc3"][()]], axis=1)
        # The same scores as one models × components dataset with both axes labelled.
        grid = f["p/scores"]
        assert [d.label for d in grid.dims] == ["model", "component"]
        assert strings(grid.dims[0][0]) == strings(f["v/names"]) and strings(grid.dims[1][0]) == ["pc1", "pc2", "pc3"]
        np.testing.assert_allclose(grid[()], scores, rtol=1e-6, atol=1e-6)
    reference = PCA(n_components=3).fit(matrix)
    np.testing.assert_allclose(ratios, reference.explained_variance_ratio_, rtol=1e-4, atol=1e-6)
    # Scores agree up to each component's sign.
    expected = reference.transform(matrix)
    for c in range(3):
        sign = np.sign(expected[:, c] @ scores[:, c]) or 1
        np.testing.assert_allclose(scores[:, c], sign * expected[:, c], rtol=1e-3, atol=1e-5)
