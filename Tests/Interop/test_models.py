"""Models through the real mvs binary, checked against what safetensors, h5py and numpy read.

mvs prints norms and sampled elements of canonical matrices; numpy computes the same from the files with
the family's mapping (transposes, fused splits) written here independently.
"""
import json
import subprocess
import sys

import h5py
import numpy as np
import pytest
from safetensors.numpy import load_file, save_file

from conftest import MVS, REPO

sys.path.insert(0, str(REPO / "Tests" / "Fixtures" / "models"))

BERT_PARTS = {"q": "attention.self.query", "k": "attention.self.key", "v": "attention.self.value",
              "o": "attention.output.dense", "ff1": "intermediate.dense", "ff2": "output.dense"}


def mvs_readings(mvs, path, canonical):
    """{name: (norm, [sampled elements])} as mvs computes them, for canonical matrices given with their shapes."""
    lines = [f'm = load("{path}")']
    for name, (rows, cols) in canonical.items():
        picks = [(0, 0), (rows - 1, cols - 1), (rows // 2, cols // 3)]
        samples = ", ".join(f'm["{name}"][{r}][{c}]' for r, c in picks)
        lines.append(f'print("{name}", norm(m["{name}"]), {samples})')
    out = mvs("-c", "\n".join(lines)).stdout.split("\n")
    readings = {}
    for line in filter(None, out):
        name, *numbers = line.split(" ")
        readings[name] = (float(numbers[0]), [float(x) for x in numbers[1:]])
    return readings


def check(readings, expected):
    assert set(readings) == set(expected)
    for name, matrix in expected.items():
        norm, samples = readings[name]
        rows, cols = matrix.shape
        want = [matrix[0, 0], matrix[rows - 1, cols - 1], matrix[rows // 2, cols // 3]]
        # Norms are accumulated in float64 by both; elements are the same float32 numbers.
        assert norm == pytest.approx(np.linalg.norm(matrix.astype(np.float64)), rel=1e-9), name
        assert samples == [float(x) for x in want], name


def test_minilm_every_canonical_matrix_matches_safetensors(mvs, minilm_dir):
    tensors = load_file(str(minilm_dir / "model.safetensors"))
    expected = {"embed": tensors["embeddings.word_embeddings.weight"]}
    for layer in range(6):
        for component, raw in BERT_PARTS.items():
            expected[f"layer.{layer}.{component}"] = tensors[f"encoder.layer.{layer}.{raw}.weight"].T
    check(mvs_readings(mvs, minilm_dir, {k: v.shape for k, v in expected.items()}), expected)


def test_minilm_model_norm_is_over_its_float_weights(mvs, minilm_dir):
    """norm(m) is the Frobenius norm of every floating-point parameter together; integer buffers such as
    `position_ids` are bookkeeping, not weights (they took the norm from 280 to 6685)."""
    tensors = load_file(str(minilm_dir / "model.safetensors"))
    assert any(t.dtype.kind == "i" for t in tensors.values()), "the check needs an integer buffer in the file"
    want = np.sqrt(sum(np.sum(t.astype(np.float64) ** 2) for t in tensors.values() if t.dtype.kind == "f"))
    got = float(mvs("-c", f'print(norm(load("{minilm_dir}")))').stdout)
    assert got == pytest.approx(want, rel=1e-9)


@pytest.mark.parametrize("language", ["de", "en", "es", "fr", "it", "pt"])
def test_categorium_keras_kernels_match_h5py(mvs, categorium_dir, language):
    path = categorium_dir / language
    expected = {}
    with h5py.File(path / "tf_model.h5", "r") as f:
        group = f["bert/tf_bert_for_sequence_classification/bert"]
        expected["embed"] = group["embeddings/word_embeddings/weight:0"][()]
        for layer in range(2):
            for component, raw in BERT_PARTS.items():
                # Keras kernels are stored in × out: the canonical orientation already.
                expected[f"layer.{layer}.{component}"] = group[f"encoder/layer_._{layer}/{raw.replace('.', '/')}/kernel:0"][()]
    check(mvs_readings(mvs, path, {k: v.shape for k, v in expected.items()}), expected)


def test_llama_gqa_and_gpt2_fused_attention_from_safetensors(mvs, tmp_path):
    rng = np.random.default_rng(3)
    d, kv, ff = 8, 4, 12
    llama = {"model.embed_tokens.weight": rng.standard_normal((20, d), dtype=np.float32)}
    for name, shape in [("self_attn.q_proj", (d, d)), ("self_attn.k_proj", (kv, d)), ("self_attn.v_proj", (kv, d)),
                        ("self_attn.o_proj", (d, d)), ("mlp.gate_proj", (ff, d)), ("mlp.up_proj", (ff, d)),
                        ("mlp.down_proj", (d, ff))]:
        llama[f"model.layers.0.{name}.weight"] = rng.standard_normal(shape, dtype=np.float32)
    (tmp_path / "llama").mkdir()
    save_file(llama, str(tmp_path / "llama" / "model.safetensors"))
    expected = {"embed": llama["model.embed_tokens.weight"]}
    for component, raw in {"q": "self_attn.q_proj", "k": "self_attn.k_proj", "v": "self_attn.v_proj", "o": "self_attn.o_proj",
                           "ff1": "mlp.up_proj", "ff1g": "mlp.gate_proj", "ff2": "mlp.down_proj"}.items():
        expected[f"layer.0.{component}"] = llama[f"model.layers.0.{raw}.weight"].T
    check(mvs_readings(mvs, tmp_path / "llama", {k: v.shape for k, v in expected.items()}), expected)

    gpt2 = {"transformer.wte.weight": rng.standard_normal((20, d), dtype=np.float32),
            "transformer.h.0.attn.c_attn.weight": rng.standard_normal((d, 3 * d), dtype=np.float32),
            "transformer.h.0.attn.c_proj.weight": rng.standard_normal((d, d), dtype=np.float32),
            "transformer.h.0.mlp.c_fc.weight": rng.standard_normal((d, 4 * d), dtype=np.float32),
            "transformer.h.0.mlp.c_proj.weight": rng.standard_normal((4 * d, d), dtype=np.float32)}
    save_file(gpt2, str(tmp_path / "gpt2.safetensors"))
    fused = gpt2["transformer.h.0.attn.c_attn.weight"]
    expected = {"embed": gpt2["transformer.wte.weight"], "layer.0.q": fused[:, :d], "layer.0.k": fused[:, d:2 * d],
                "layer.0.v": fused[:, 2 * d:], "layer.0.o": gpt2["transformer.h.0.attn.c_proj.weight"],
                "layer.0.ff1": gpt2["transformer.h.0.mlp.c_fc.weight"], "layer.0.ff2": gpt2["transformer.h.0.mlp.c_proj.weight"]}
    check(mvs_readings(mvs, tmp_path / "gpt2.safetensors", {k: v.shape for k, v in expected.items()}), expected)


def test_torch_checkpoint_with_strided_storages_matches_numpy(mvs, tmp_path):
    import torch_checkpoints
    state, storages, values = torch_checkpoints.bert_state()
    torch_checkpoints.save(state, str(tmp_path / "pytorch_model.bin"), storages)
    expected = {"embed": values["embeddings.word_embeddings.weight"]}
    for layer in range(2):
        for component, raw in BERT_PARTS.items():
            expected[f"layer.{layer}.{component}"] = values[f"encoder.layer.{layer}.{raw}.weight"].T.astype(np.float32)
    check(mvs_readings(mvs, tmp_path / "pytorch_model.bin", {k: v.shape for k, v in expected.items()}), expected)


def test_malformed_corpus_fails_cleanly_in_the_binary(tmp_path):
    """Each broken file, loaded by its own mvs process: an error naming the file and problem, never a crash."""
    script = REPO / "Tests" / "Fixtures" / "models" / "malformed.py"
    manifest = json.loads(subprocess.run([sys.executable, str(script), str(tmp_path)], check=True,
                                         capture_output=True, text=True, cwd=script.parent).stdout)
    assert len(manifest) >= 30
    for case in manifest:
        path = tmp_path / case["load"]
        # Reading every tensor makes problems found only on access surface too.
        code = f'm = load("{path}")\nfor n in names(m) {{ norm(m[n]) }}'
        result = subprocess.run([MVS, "-c", code], capture_output=True, text=True, timeout=60)
        assert result.returncode in (70, 74), f"{case['load']}: exit {result.returncode}\n{result.stderr}"
        assert case["names"] in result.stderr and case["error"] in result.stderr, f"{case['load']}: {result.stderr}"
