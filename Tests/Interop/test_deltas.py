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
import torch_checkpoints  # noqa: E402  (writes torch.save zips without torch)

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
