"""Delta algebra interop: PEFT adapters written here from PEFT's documented layout, LoRA extraction, merges
and lineage, each checked against an independent numpy computation."""
import json
import math
import os
import pathlib
import sys

import h5py
import numpy as np
import pytest
from safetensors.numpy import load_file, save_file

from conftest import REPO

sys.path.insert(0, str(REPO / "Tests" / "Fixtures" / "models"))

LAYER = "encoder.layer.{}.{}"


def read_h5(mvs, tmp_path, script, exports, *paths):
    out = tmp_path / "out.h5"
    mvs("-c", f'{script}\nexport("{out}", {exports})')
    with h5py.File(out) as f:
        return [f[path][()] for path in paths]


def write_adapter(folder, tensors, config, binary=False):
    """A PEFT adapter directory as PEFT's save_pretrained lays it out (src/peft/utils/save_and_load.py:
    keys `base_model.model.<module>.lora_A.weight` with the adapter name removed); `binary` writes the
    torch.save form `adapter_model.bin` instead of safetensors."""
    folder.mkdir(parents=True, exist_ok=True)
    arrays = {f"base_model.model.{k}": np.ascontiguousarray(v, np.float32) for k, v in tensors.items()}
    if binary:
        import collections
        import torch_checkpoints  # writes torch.save zips without torch; imported late, as it stubs `torch`
        state, storages = collections.OrderedDict(), []
        for key, array in arrays.items():
            storages.append(torch_checkpoints.Storage(str(len(storages)), array))
            strides = [int(np.prod(array.shape[i + 1:])) for i in range(array.ndim)]
            state[key] = torch_checkpoints.Tensor(storages[-1], 0, array.shape, strides)
        torch_checkpoints.save(state, str(folder / "adapter_model.bin"), storages)
    else:
        save_file(arrays, str(folder / "adapter_model.safetensors"))
    (folder / "adapter_config.json").write_text(json.dumps({"peft_type": "LORA", **config}))
    return folder


@pytest.fixture(scope="module")
def minilm_dir_module():
    path = pathlib.Path(os.environ.get("MVS_MODELS", os.path.expanduser("~/.cache/mvs/models"))) / "minilm"
    assert (path / "model.safetensors").exists(), f"run scripts/fetch-models first ({path})"
    return path


@pytest.fixture(scope="module")
def minilm(minilm_dir_module):
    return load_file(str(minilm_dir_module / "model.safetensors"))


def peft_delta(a, b, alpha, r, rslora=False, transpose=False):
    """PEFT's get_delta_weight: transpose(B @ A, fan_in_fan_out) * scaling (src/peft/tuners/lora/layer.py)."""
    scaling = alpha / math.sqrt(r) if rslora else alpha / r
    delta = (b.astype(np.float64) @ a.astype(np.float64)) * scaling
    return delta.T if transpose else delta


@pytest.mark.parametrize("rslora", [False, True])
def test_peft_adapter_loads_as_its_delta_with_patterns(mvs, minilm_dir_module, minilm, tmp_path, rslora):
    rng = np.random.default_rng(1)
    tensors, expected = {}, {}
    ranks = {"query": 4, "value": 6}
    for layer in (0, 3):
        for module, raw in (("query", "attention.self.query"), ("value", "attention.self.value")):
            r = ranks[module] if layer == 0 or module == "value" else 2  # layer 3's query: rank_pattern gives 2
            a = rng.normal(size=(r, 384)).astype(np.float32)
            b = rng.normal(size=(384, r)).astype(np.float32) * 0.01
            name = LAYER.format(layer, raw)
            tensors[name + ".lora_A.weight"], tensors[name + ".lora_B.weight"] = a, b
            alpha = 3.0 if (layer == 3 and module == "query") else 8.0
            expected[(layer, module)] = peft_delta(a, b, alpha, r, rslora)
    config = {"r": 4, "lora_alpha": 8, "target_modules": ["query", "value"], "use_rslora": rslora,
              "rank_pattern": {"value": 6, "layer.3.attention.self.query": 2},
              "alpha_pattern": {"layer.3.attention.self.query": 3}}
    adapter = write_adapter(tmp_path / "adapter", tensors, config)
    q0, v3, q3, k0, s0, s3 = read_h5(
        mvs, tmp_path, f'b = load("{minilm_dir_module}")\nd = load("{adapter}", base=b, delta=true)',
        'q0=d["layer.0.q"], v3=d["layer.3.v"], q3=d["layer.3.q"], k0=d["layer.0.k"], '
        's0=spectrum(d, "layer.0.q"), s3=spectrum(d, "layer.3.q")', "q0", "v3", "q3", "k0", "s0", "s3")
    # Canonical orientation is x·W: the transpose of PyTorch's out × in.
    np.testing.assert_allclose(q0, expected[(0, "query")].T, atol=1e-6)
    np.testing.assert_allclose(v3, expected[(3, "value")].T, atol=1e-6)
    np.testing.assert_allclose(q3, expected[(3, "query")].T, atol=1e-6)
    assert not k0.any()
    for spectrum, key, r in ((s0, (0, "query"), 4), (s3, (3, "query"), 2)):
        truth = np.linalg.svd(expected[key], compute_uv=False)
        assert spectrum.shape == (384,)
        np.testing.assert_allclose(spectrum[:r], truth[:r], rtol=1e-4)
        assert not spectrum[r:].any()  # exact zeros: the spectrum came from the factors, not a dense SVD


def test_adapted_model_is_base_plus_delta_and_ranks_are_exact(mvs, minilm_dir_module, minilm, tmp_path):
    rng = np.random.default_rng(2)
    a = rng.normal(size=(3, 1536)).astype(np.float32)
    b = rng.normal(size=(384, 3)).astype(np.float32) * 0.01
    adapter = write_adapter(tmp_path / "adapter", {LAYER.format(1, "output.dense") + ".lora_A.weight": a,
                                                   LAYER.format(1, "output.dense") + ".lora_B.weight": b},
                            {"r": 3, "lora_alpha": 6, "target_modules": ["output.dense"]})
    out = tmp_path / "adapted.safetensors"
    mvs("-c", f'b = load("{minilm_dir_module}")\nm = load("{adapter}", base=b)\nsave("{out}", m)\n'
              f'r = rank(load("{adapter}", base=b, delta=true))\nexport("{tmp_path}/r.h5", r=r)')
    saved = load_file(str(out))
    name = LAYER.format(1, "output.dense.weight")
    np.testing.assert_allclose(saved[name], minilm[name] + peft_delta(a, b, 6, 3), atol=1e-6)
    np.testing.assert_array_equal(saved[LAYER.format(1, "attention.self.key.weight")], minilm[LAYER.format(1, "attention.self.key.weight")])
    with h5py.File(tmp_path / "r.h5") as f:
        ranks = dict(zip(zip(f["r/layer"][()], [c.decode() if isinstance(c, bytes) else c for c in f["r/component"][()]]), f["r/rank"][()]))
    assert ranks[(1, "ff2")] == 3 and ranks[(1, "q")] == 0 and ranks[(0, "ff2")] == 0


def test_bin_adapter_with_embedding_lora_and_modules_to_save(mvs, minilm_dir_module, minilm, tmp_path):
    rng = np.random.default_rng(5)
    a = rng.normal(size=(2, 30522)).astype(np.float32)  # lora_embedding_A: r × num_embeddings
    b = rng.normal(size=(384, 2)).astype(np.float32)    # lora_embedding_B: embedding_dim × r
    norm = "encoder.layer.2.output.LayerNorm.weight"
    saved = rng.normal(size=384).astype(np.float32)
    adapter = write_adapter(tmp_path / "adapter", {"embeddings.word_embeddings.lora_embedding_A": a,
                                                   "embeddings.word_embeddings.lora_embedding_B": b, norm: saved},
                            {"r": 2, "lora_alpha": 4, "target_modules": ["word_embeddings"],
                             "modules_to_save": ["encoder.layer.2.output.LayerNorm"]}, binary=True)
    assert (adapter / "adapter_model.bin").exists()
    embed, ln, rank = read_h5(mvs, tmp_path, f'd = load("{adapter}", base=load("{minilm_dir_module}"), delta=true)',
                              f'embed=d["embed"], ln=d["{norm}"], s=spectrum(d, "embed")', "embed", "ln", "s")
    np.testing.assert_allclose(embed, peft_delta(a, b, 4, 2, transpose=True), atol=1e-6)
    np.testing.assert_allclose(ln, saved - minilm[norm], atol=1e-6)
    assert np.count_nonzero(rank) == 2


def test_gpt2_conv1d_adapter_uses_fan_in_fan_out(mvs, tmp_path):
    base_dir = REPO / "Tests" / "Fixtures" / "models" / "tiny-gpt2"
    base = load_file(str(base_dir / "model.safetensors"))
    rng = np.random.default_rng(3)
    a = rng.normal(size=(2, 2)).astype(np.float32)   # r × in (in = 2)
    b = rng.normal(size=(6, 2)).astype(np.float32)   # out (3 · 2, fused q k v) × r
    adapter = write_adapter(tmp_path / "adapter", {"h.0.attn.c_attn.lora_A.weight": a, "h.0.attn.c_attn.lora_B.weight": b},
                            {"r": 2, "lora_alpha": 2, "target_modules": ["c_attn"], "fan_in_fan_out": True})
    k, sk = read_h5(mvs, tmp_path, f'd = load("{adapter}", base=load("{base_dir}"), delta=true)',
                    'k=d["layer.0.k"], sk=spectrum(d, "layer.0.k")', "k", "sk")
    stored = peft_delta(a, b, 2, 2, transpose=True)  # Conv1D stores in × out
    assert stored.shape == base["h.0.attn.c_attn.weight"].shape
    np.testing.assert_allclose(k, stored[:, 2:4], atol=1e-6)
    np.testing.assert_allclose(sk, np.linalg.svd(stored[:, 2:4], compute_uv=False), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("case,message", [
    ("shape", "do not match for the LoRA update"),
    ("module", "no module of the base model"),
    ("target", "target_modules names 'nonexistent'"),
    ("rank", "has rank 4 but adapter_config.json gives r = 8"),
])
def test_bad_adapters_give_one_precise_error(mvs, minilm_dir_module, tmp_path, case, message):
    rng = np.random.default_rng(4)
    module = LAYER.format(0, "attention.self.query")
    config = {"r": 4, "lora_alpha": 8, "target_modules": ["query"]}
    a, b = rng.normal(size=(4, 384)), rng.normal(size=(384, 4))
    if case == "shape":
        a = rng.normal(size=(4, 100))
    if case == "module":
        module = LAYER.format(0, "attention.self.qurey")
    if case == "target":
        config["target_modules"] = ["query", "nonexistent"]
    if case == "rank":
        config["r"] = 8
    adapter = write_adapter(tmp_path / "bad", {module + ".lora_A.weight": a, module + ".lora_B.weight": b}, config)
    result = mvs("-c", f'd = load("{adapter}", base=load("{minilm_dir_module}"))', check=False)
    assert result.returncode == 70, result.stderr
    assert message in result.stderr, result.stderr
    assert "Traceback" not in result.stderr and "Fatal" not in result.stderr


def truncated(delta, rank):
    u, s, vt = np.linalg.svd(delta.astype(np.float64), full_matrices=False)
    return (u[:, :rank] * s[:rank]) @ vt[:rank], s


def adapter_deltas(folder):
    """ΔW of every module of a PEFT adapter directory, computed as PEFT does from its config and tensors."""
    config = json.loads((folder / "adapter_config.json").read_text())
    tensors = load_file(str(folder / "adapter_model.safetensors"))
    out = {}
    for key in tensors:
        for suffix_a, suffix_b, transpose in ((".lora_A.weight", ".lora_B.weight", config["fan_in_fan_out"]),
                                              (".lora_embedding_A", ".lora_embedding_B", True)):
            if key.endswith(suffix_a):
                module = key[len("base_model.model."):-len(suffix_a)]
                a, b = tensors[key], tensors[key[:-len(suffix_a)] + suffix_b]
                r = next((v for k, v in config["rank_pattern"].items() if __import__("re").match(rf"(.*\.)?({k})$", module)), config["r"])
                alpha = next((v for k, v in config["alpha_pattern"].items() if __import__("re").match(rf"(.*\.)?({k})$", module)), config["lora_alpha"])
                assert a.shape[0] == r == b.shape[1]
                out[module + ".weight"] = peft_delta(a, b, alpha, r, config["use_rslora"], transpose)
    return config, out


@pytest.fixture(scope="module")
def finetune(minilm, tmp_path_factory):
    """MiniLM with dense random updates on two matrices, written as a checkpoint."""
    folder = tmp_path_factory.mktemp("ft")
    rng = np.random.default_rng(7)
    ft = dict(minilm)
    changed = ["encoder.layer.0.attention.self.query.weight", "encoder.layer.2.intermediate.dense.weight"]
    for name, size in zip(changed, (6, 12)):
        low = rng.normal(size=(minilm[name].shape[0], size)) @ rng.normal(size=(size, minilm[name].shape[1]))
        ft[name] = (minilm[name] + 0.01 * low + 0.001 * rng.normal(size=minilm[name].shape)).astype(np.float32)
    save_file(ft, str(folder / "model.safetensors"))
    for extra in ("config.json", "vocab.txt"):
        src = pathlib.Path(os.environ.get("MVS_MODELS", os.path.expanduser("~/.cache/mvs/models"))) / "minilm" / extra
        if src.exists():
            (folder / extra).write_bytes(src.read_bytes())
    return folder, {name: (ft[name] - minilm[name]).astype(np.float64) for name in changed}


def test_lora_extraction_writes_a_peft_adapter_that_reloads(mvs, minilm_dir_module, finetune, tmp_path):
    folder, deltas = finetune
    adapter = tmp_path / "adapter"
    report = tmp_path / "report.h5"
    mvs("-c", f'b = load("{minilm_dir_module}")\na = lora(load("{folder}") - b, rank=4, embeddings=false)\n'
              f'save("{adapter}", a, format="peft")\nexport("{report}", report=a.report)\n'
              f'export("{tmp_path}/back.h5", q=load("{adapter}", base=b, delta=true)["layer.0.q"])')
    config, ours = adapter_deltas(adapter)
    assert set(ours) == set(deltas)  # untouched matrices (zero delta) are not written
    assert config["r"] == 4 and config["peft_type"] == "LORA" and not config["fan_in_fan_out"]
    with h5py.File(report) as f:
        names = [n.decode() if isinstance(n, bytes) else n for n in f["report/name"][()]]
        energy = dict(zip(names, f["report/energy"][()]))
        ranks = dict(zip(names, f["report/rank"][()]))
    for name, delta in deltas.items():
        expected, s = truncated(delta, 4)
        np.testing.assert_allclose(ours[name], expected, atol=2e-5 * np.abs(expected).max())
        assert ranks[name] == 4
        assert energy[name] == pytest.approx((s[:4] ** 2).sum() / (s ** 2).sum(), rel=1e-4)
    assert ranks["encoder.layer.1.attention.self.key.weight"] == 0  # unchanged: no factors, not in the adapter
    with h5py.File(tmp_path / "back.h5") as f:
        np.testing.assert_allclose(f["q"][()], ours["encoder.layer.0.attention.self.query.weight"].T, atol=1e-5)


def test_lora_threshold_keeps_ranks_per_matrix_in_rank_pattern(mvs, minilm_dir_module, finetune, tmp_path):
    folder, deltas = finetune
    adapter = tmp_path / "adapter"
    mvs("-c", f'b = load("{minilm_dir_module}")\nsave("{adapter}", lora(load("{folder}") - b, threshold=0.05, embeddings=false), format="peft")')
    config, ours = adapter_deltas(adapter)
    kept = {}
    for name, delta in deltas.items():
        s = np.linalg.svd(delta, compute_uv=False)
        kept[name] = int((s > 0.05 * s[0]).sum())
        np.testing.assert_allclose(ours[name], truncated(delta, kept[name])[0], atol=2e-5 * np.abs(delta).max())
    assert config["r"] == max(kept.values())
    assert len(set(kept.values())) > 1 and config["rank_pattern"]  # different ranks → patterns as mergekit writes


def test_lora_bad_rank_and_dense_peft_save_write_nothing(mvs, minilm_dir_module, finetune, tmp_path):
    folder, _ = finetune
    result = mvs("-c", f'b = load("{minilm_dir_module}")\nsave("{tmp_path}/a", lora(load("{folder}") - b, rank=400, embeddings=false), format="peft")', check=False)
    assert result.returncode == 70 and "rank 400 is larger than" in result.stderr and "at most 384" in result.stderr
    result = mvs("-c", f'b = load("{minilm_dir_module}")\nsave("{tmp_path}/a", load("{folder}") - b, format="peft")', check=False)
    assert result.returncode == 70 and "is dense; make low-rank factors first" in result.stderr
    assert not list(tmp_path.iterdir())


def test_lora_of_an_embedding_writes_lora_embedding_factors(mvs, tmp_path):
    base_dir = REPO / "Tests" / "Fixtures" / "models" / "tiny-bert"
    base = load_file(str(base_dir / "model.safetensors"))
    ft = dict(base)
    rng = np.random.default_rng(8)
    name = "embeddings.word_embeddings.weight"
    ft[name] = (base[name] + rng.normal(size=base[name].shape)).astype(np.float32)
    (tmp_path / "ft").mkdir()
    save_file(ft, str(tmp_path / "ft" / "model.safetensors"))
    (tmp_path / "ft" / "config.json").write_bytes((base_dir / "config.json").read_bytes())
    adapter = tmp_path / "adapter"
    embed, = read_h5(mvs, tmp_path, f'b = load("{base_dir}")\nsave("{adapter}", lora(load("{tmp_path}/ft") - b, rank=1), format="peft")\n'
                                    f'e = load("{adapter}", base=b, delta=true)["embed"]', "e=e", "e")
    tensors = load_file(str(adapter / "adapter_model.safetensors"))
    assert tensors["base_model.model.embeddings.word_embeddings.lora_embedding_A"].shape == (1, 6)  # r × vocab
    assert tensors["base_model.model.embeddings.word_embeddings.lora_embedding_B"].shape == (2, 1)  # d × r
    _, ours = adapter_deltas(adapter)
    expected = truncated((ft[name] - base[name]).astype(np.float64), 1)[0]
    np.testing.assert_allclose(ours[name], expected, atol=1e-5)
    np.testing.assert_allclose(embed, expected, atol=1e-5)


MASK = (1 << 64) - 1


class SplitMix64:
    """The stream docs/deltas.md documents for DARE's drops: SplitMix64 seeded by seed + model index XOR
    the FNV-1a hash of the parameter name, uniform = ((next >> 11) + 0.5) / 2^53 — written again here."""

    def __init__(self, seed, label):
        h = 0xCBF29CE484222325
        for byte in label.encode():
            h = ((h ^ byte) * 0x100000001B3) & MASK
        self.state = (seed ^ h) & MASK

    def uniform(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return (((z ^ (z >> 31)) >> 11) + 0.5) / float(1 << 53)


def keep_ranked(task, start, count):
    """Zero all but the entries ranked start..start+count by magnitude (stable: lower index first on ties)."""
    order = np.argsort(-np.abs(task.ravel()), kind="stable")
    out = np.zeros(task.size)
    chosen = order[start:start + count]
    out[chosen] = task.ravel()[chosen]
    return out.reshape(task.shape)


def reference_merge(base, fts, name, method, weights, density, gamma=0.01, lam=1.0, seed=0):
    """The merge of one tensor from the papers' definitions: TIES (Yadav et al. 2023) trim / elect / disjoint
    mean, DARE (Yu et al. 2023) drop with probability 1 - density and rescale by 1/density, breadcrumbs
    (Davari & Belilovsky 2023) drop the top gamma and keep the next density by magnitude."""
    tasks = []
    for i, ft in enumerate(fts):
        task = ft[name].astype(np.float64) - base[name].astype(np.float64)
        n = task.size
        if method == "ties":
            task = keep_ranked(task, 0, int(density * n))
        elif method.startswith("breadcrumbs"):
            task = keep_ranked(task, int(gamma * n), int(density * n))
        elif method.startswith("dare"):
            rng = SplitMix64((seed + i) & MASK, name)
            keep = np.array([rng.uniform() < density for _ in range(n)]).reshape(task.shape)
            task = np.where(keep, task / density, 0)
        tasks.append(task)
    tasks, w = np.array(tasks), np.array(weights, np.float64).reshape(-1, *[1] * base[name].ndim)
    if method in ("ties", "dare_ties", "breadcrumbs_ties"):
        elected = np.sign((w * tasks).sum(axis=0))
        agree = (np.sign(tasks) == elected) & (elected != 0)
        total = (w * agree).sum(axis=0)
        merged = np.where(total != 0, (w * tasks * agree).sum(axis=0) / np.where(total == 0, 1, total), 0)
    else:
        merged = (w * tasks).sum(axis=0)
    return base[name] + lam * merged


@pytest.fixture(scope="module")
def tiny_zoo(tmp_path_factory):
    import subprocess
    folder = tmp_path_factory.mktemp("mergezoo")
    subprocess.check_call([sys.executable, str(REPO / "scripts" / "make-zoo"), "--synthetic", "2x16", "--out", str(folder),
                           "--tasks", "3", "--per-task", "1"], stdout=subprocess.DEVNULL)
    members = [line.split(",")[0] for line in (folder / "manifest.csv").read_text().splitlines()[1:]]
    return folder, members


@pytest.mark.parametrize("method,extra,weights", [
    ("linear", "", [0.5, 1.0, 2.0]),
    ("ties", ", density=0.3", [1, 1, 1]),
    ("ties", ", density=0.5, lambda=0.7", [1.0, 0.5, 2.0]),
    ("dare_linear", ", density=0.4, seed=5", [1, 1, 1]),
    ("dare_ties", ", density=0.6, seed=2", [0.3, 1, 1]),
    ("breadcrumbs", ", density=0.8, gamma=0.05", [1, 1, 1]),
    ("breadcrumbs_ties", ", density=0.7, gamma=0.1", [1, 2, 1]),
])
def test_merges_equal_the_papers_definitions(mvs, tiny_zoo, tmp_path, method, extra, weights):
    folder, members = tiny_zoo
    out = tmp_path / "merged.safetensors"
    models = ", ".join(f'load("{folder / m}")' for m in members)
    mvs("-c", f'm = merge([{models}], base=load("{folder}/base"), method="{method}", weights={weights}{extra})\nsave("{out}", m)')
    merged = load_file(str(out))
    base = load_file(str(folder / "base" / "model.safetensors"))
    fts = [load_file(str(folder / m / "model.safetensors")) for m in members]
    options = dict(density=1.0, gamma=0.01, lam=1.0, seed=0)
    for part in extra.split(","):
        if "=" in part:
            key, value = part.strip().split("=")
            options[{"lambda": "lam"}.get(key, key)] = float(value) if key != "seed" else int(value)
    assert set(merged) == set(base)  # the fine-tunes' classifier heads are not base parameters
    for name in base:
        expected = reference_merge(base, fts, name, method, weights, **options)
        np.testing.assert_allclose(merged[name], expected, rtol=1e-5, atol=1e-6, err_msg=f"{method} {name}")


def test_merge_of_different_shapes_writes_nothing(mvs, tiny_zoo, tmp_path):
    folder, members = tiny_zoo
    tiny = REPO / "Tests" / "Fixtures" / "models" / "tiny-bert"
    out = tmp_path / "merged.safetensors"
    result = mvs("-c", f'save("{out}", merge([load("{folder / members[0]}"), load("{tiny}")], base=load("{folder}/base"), method="ties"))',
                 check=False)
    assert result.returncode == 70
    assert "do not match for merge of tiny-bert over base" in result.stderr, result.stderr
    assert not out.exists()


@pytest.fixture(scope="module")
def family(tmp_path_factory):
    import subprocess
    folder = tmp_path_factory.mktemp("tree")
    subprocess.check_call([sys.executable, str(REPO / "scripts" / "make-zoo"), "--synthetic", "2x32", "--tree", "2x3",
                           "--out", str(folder)], stdout=subprocess.DEVNULL)
    rows = [line.split(",") for line in (folder / "manifest.csv").read_text().splitlines()[1:]]
    return folder, {name: parent for _, name, _, parent in rows}


def square_matrices(path):
    tensors = load_file(str(path / "model.safetensors"))
    return [tensors[f"encoder.layer.{layer}.{part}.weight"].T.astype(np.float64) for layer in range(2)
            for part in ("attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense")]


@pytest.mark.parametrize("distance", ["linf", "l2"])
def test_lineage_recovers_the_known_tree_with_directions(mvs, family, tmp_path, distance):
    folder, truth = family
    parent, child, dist, ku_child = read_h5(mvs, tmp_path, f't = lineage(models("{folder}/manifest.csv"), distance="{distance}")',
                                            "t=t", "t/parent", "t/child", "t/distance", "t/kurtosis_child")
    decode = lambda xs: [x.decode() if isinstance(x, bytes) else x for x in xs]
    edges = dict(zip(decode(child), decode(parent)))
    assert edges == {name: p for name, p in truth.items() if p}  # every edge, every direction; root has none
    if distance != "linf":
        return
    # MoTHer's quantities from numpy: ℓFT = max over matrices of max|Wi − Wj| / range of the first model's
    # matrix; kurtosis = Σ over square matrices of Fisher's excess kurtosis with biased moments (scipy's default).
    mats = {name: square_matrices(folder / name) for name in truth}
    ranges = [m.max() - m.min() for m in mats["root"]]

    def kurtosis(x):
        x = x.ravel() - x.mean()
        return (x ** 4).mean() / (x ** 2).mean() ** 2 - 3

    for c, p, d, k in zip(decode(child), decode(parent), dist, ku_child):
        expected = max(np.abs(a - b).max() / r for a, b, r in zip(mats[c], mats[p], ranges))
        assert d == pytest.approx(expected, rel=1e-5)
        assert k == pytest.approx(sum(kurtosis(m) for m in mats[c]), rel=1e-6)
        assert sum(kurtosis(m) for m in mats[p]) > k  # the direction signal the synthetic tree builds in


def test_lineage_draws_the_tree_as_text_and_svg(mvs, family, tmp_path):
    folder, _ = family
    svg = tmp_path / "tree.svg"
    out = mvs("-c", f't = lineage(models("{folder}/manifest.csv"))\nplot(t)\nplot(t, file="{svg}")').stdout
    assert out.splitlines()[0].startswith("root")
    assert "├── m0" in out and "│   └── m0.2" in out
    text = svg.read_text()
    assert "<svg" in text and text.count("<line") == 12 and "m2.2" in text
