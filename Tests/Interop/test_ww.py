"""ww through the mvs binary, read back with h5py: against weightwatcher 0.7.7's own output on MiniLM
(oracles/weightwatcher-minilm.json, analyze(svd_method="accurate")), and against bench/peer_ww.py (the same
metrics computed the way weightwatcher computes them, in numpy/scipy) for what that file does not hold."""
import json
import pathlib
import sys

import h5py
import numpy as np
import pytest
from safetensors.numpy import load_file, save_file
from threadpoolctl import threadpool_limits

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1] / "bench"))
import peer_ww  # noqa: E402

COMPONENTS = {
    "q": "attention.self.query", "k": "attention.self.key", "v": "attention.self.value",
    "o": "attention.output.dense", "ff1": "intermediate.dense", "ff2": "output.dense",
}
# Every metric within 1e-3 relative (measured: ≤ 1e-4; the float32 singular values are the only difference).
EXACT = ["num_pl_spikes", "matrix_rank", "M", "N"]
RELATIVE = ["alpha", "xmin", "xmax", "D", "sigma", "alpha_weighted", "log_norm", "log_spectral_norm", "log_alpha_norm",
            "stable_rank", "entropy", "lambda_max"]


def read_table(path, group):
    with h5py.File(path) as f:
        g = f[group]
        out = {}
        for name in g.attrs["columns"]:
            data = g[name]
            out[name] = list(data.asstr()[()]) if data.dtype.kind in "OS" else data[()]
        return out


def weightwatcher_name(name, layer, component):
    """The layer name weightwatcher prints for a row of mvs's table."""
    if layer >= 0:
        return f"encoder.layer.{layer}.{COMPONENTS[component]}"
    return "embeddings.word_embeddings" if name == "embed" else name[: -len(".weight")]


@pytest.fixture(autouse=True)
def one_blas_thread():
    """numpy's BLAS threads spin on a busy 2-core machine (toolchain trap 6): 30× slower peers were seen."""
    with threadpool_limits(1):
        yield


@pytest.fixture(scope="module")
def minilm_tensors():
    from conftest import MODELS
    return load_file(str(MODELS / "minilm" / "model.safetensors"))


def test_every_matrix_and_metric_matches_weightwatcher(mvs, minilm_dir, tmp_path):
    out = tmp_path / "ww.h5"
    mvs("-c", f'export("{out}", w=ww(load("{minilm_dir}")))')
    got = read_table(out, "w")
    reference = {row["name"]: row for row in json.loads((HERE / "oracles" / "weightwatcher-minilm.json").read_text())["rows"]}
    names = [weightwatcher_name(*row) for row in zip(got["name"], got["layer"], got["component"])]
    assert sorted(names) == sorted(reference), "the same 39 matrices as weightwatcher"
    for row, name in enumerate(names):
        want = reference[name]
        for column in EXACT:
            assert got[column][row] == want[column], (name, column)
        for column in RELATIVE:
            assert got[column][row] == pytest.approx(want[column], rel=1e-3), (name, column)
        assert got["warning"][row] == want["warning"], name


def test_mp_fit_and_rand_distance_match_the_peer(mvs, minilm_dir, minilm_tensors, tmp_path):
    out = tmp_path / "ww.h5"
    mvs("-c", f'export("{out}", w=ww(load("{minilm_dir}"), layers=[4], randomize=true, seed=1))')
    got = read_table(out, "w")
    for row, (layer, component) in enumerate(zip(got["layer"], got["component"])):
        w = minilm_tensors[f"encoder.layer.{layer}.{COMPONENTS[component]}.weight"]
        evals = peer_ww.eigenvalues(w)
        spikes, softrank, bulk_max, sigma = peer_ww.mp_fit(evals, max(w.shape), min(w.shape))
        assert got["num_spikes"][row] == spikes
        assert got["mp_softrank"][row] == pytest.approx(softrank, rel=1e-3)
        assert got["bulk_max"][row] == pytest.approx(bulk_max, rel=1e-3)
        assert got["sigma_mp"][row] == pytest.approx(sigma, rel=1e-3)
        # A different shuffle (numpy's generator, not mvs's): the distance varies from shuffle to shuffle by
        # far less than this tolerance (docs/analyses.md), while structure moves it by much more.
        peer = [peer_ww.rand_distance(w, evals, np.random.default_rng(seed)) for seed in (0, 1)]
        assert got["rand_distance"][row] == pytest.approx(np.mean(peer), rel=0.05, abs=0.01)


def test_a_delta_matches_the_peer_on_ft_minus_base(mvs, minilm_dir, minilm_tensors, tmp_path):
    # weightwatcher's base_model=: the same analysis of W_ft − W_base. A fine-tune with a rank-8 update and
    # small noise on layer 2, written as a safetensors directory next to a copy of the config.
    rng = np.random.default_rng(5)
    tensors = {name: value.copy() for name, value in minilm_tensors.items()}
    for component in COMPONENTS.values():
        w = tensors[f"encoder.layer.2.{component}.weight"]
        update = rng.standard_normal((w.shape[0], 8)) @ rng.standard_normal((8, w.shape[1])) * 0.01
        tensors[f"encoder.layer.2.{component}.weight"] = (w + update + 1e-3 * rng.standard_normal(w.shape)).astype(np.float32)
    ft = tmp_path / "ft"
    ft.mkdir()
    save_file(tensors, str(ft / "model.safetensors"))
    (ft / "config.json").write_text((minilm_dir / "config.json").read_text())
    out = tmp_path / "delta.h5"
    mvs("-c", f'base = load("{minilm_dir}")\nft = load("{ft}")\n'
              f'export("{out}", d=ww(ft - base, layers=[2]), b=ww(ft, base=base, layers=[2]))')
    got, same = read_table(out, "d"), read_table(out, "b")
    for row, component in enumerate(got["component"]):
        name = f"encoder.layer.2.{COMPONENTS[component]}.weight"
        delta = tensors[name] - minilm_tensors[name]
        evals = peer_ww.eigenvalues(delta)
        alpha, xmin, d, _, tail = peer_ww.powerlaw_fit(evals)
        norms = peer_ww.norm_metrics(evals, alpha, max(delta.shape))
        assert got["alpha"][row] == pytest.approx(alpha, rel=1e-3)
        assert got["xmin"][row] == pytest.approx(xmin, rel=1e-3)
        assert got["D"][row] == pytest.approx(d, rel=1e-3)
        assert got["num_pl_spikes"][row] == tail
        for column in ["log_norm", "log_spectral_norm", "stable_rank", "alpha_weighted", "log_alpha_norm"]:
            assert got[column][row] == pytest.approx(norms[column], rel=1e-3), column
        assert same["alpha"][row] == got["alpha"][row]
