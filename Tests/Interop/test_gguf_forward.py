"""The two real GGUF decoders (SmolLM2, Gemma 3) against independent references: token ids against Hugging Face's
tokenizer built from the same GGUF metadata (transformers' own converter, no torch), hidden states and the logit
lens against the numpy decoder in gguf_decoder.py on the `gguf` package's dequantised weights."""
import json
import pathlib

import h5py
import numpy as np
import pytest

from conftest import MODELS
from gguf_decoder import hidden_states, rms, weights

HERE = pathlib.Path(__file__).resolve().parent
FILES = {"smollm2": MODELS / "smollm2" / "SmolLM2-135M-Instruct.Q4_1.gguf",
         "gemma3": MODELS / "gemma3" / "gemma-3-270m-q4_k_m.gguf"}
# The reference ids for twelve texts (Hugging Face's tokenizer from each file's metadata, no special tokens).
REFERENCE = json.loads((HERE / "gguf_token_ids.json").read_text(encoding="utf-8"))
# More texts, checked against Hugging Face built here: combining marks, ZWJ emoji, scripts, numerals outside
# 0-9, \r\n, control characters, tabs, special tokens written in the text, code, runs of spaces and newlines.
EXTRA = [
    "e\u0301t\u00e9 vs \u00e9t\u00e9", "Family: \U0001F468\u200D\U0001F469\u200D\U0001F467 flags \U0001F1EF\U0001F1F5 \U0001F642\U0001F642",
    "\u0645\u0631\u062d\u0628\u0627 \u0628\u0627\u0644\u0639\u0627\u0644\u0645", "\u0928\u092e\u0938\u094d\u0924\u0947 \u0967\u0968\u0969",
    "\u4f60\u597d\uff0c\u4e16\u754c\uff01\u3053\u3093\u306b\u3061\u306f", "\ud55c\uad6d\uc5b4 \ud14c\uc2a4\ud2b8",
    "x\u00b2 + y\u00b3 = \u00bd \u2153", "$100,000.00 and 12,345,678.9% or 0x1F", "line1\r\nline2\rline3\n\n\nline4",
    "\t\t\tindented\n    four spaces\n\t mixed", "don't DON'T Don'T it's IT'S we'VE", "a\u2014b \u2013 c\u2026 \u201cq\u201d \u2018s\u2019",
    "<|im_start|>user\nHi<|im_end|>", "<start_of_turn>user\nHello<end_of_turn>", "<bos><eos><pad> <unused5>",
    "literal \u0120 and \u2581 and <0x41>", "zero\u200bwidth\u200cjoiner", "ctrl\x00\x01\x7f chars\x0b\x0c\u0085\u2028",
    "     ", " ", "\n", "\n \n  \n", "  two leading", "trailing two  ", "ends with newline\n\n",
    "for (int i = 0; i < n; ++i) { sum += a[i] * b[i]; }", "SELECT * FROM t WHERE x >= 10 AND y != 'a';",
    "<div class=\"x\">&amp;&lt;</div>", "CamelCaseIdentifierName snake_case_name", "a" * 60,
    "1111111111111111 22222 333", "\u00c5ngstr\u00f6m \u212b \u00c5", "\U0001D400\U0001D401 math bold", "\u00df\u1e9e stra\u00dfe",
]
TEXTS = REFERENCE["texts"] + EXTRA


def mvs_string(text):
    """An mvs string literal: printable ASCII as is, everything else as \\u{…}."""
    out = []
    for ch in text:
        if ch in '"\\':
            out.append("\\" + ch)
        elif 32 <= ord(ch) < 127:
            out.append(ch)
        else:
            out.append("\\u{%x}" % ord(ch))
    return '"' + "".join(out) + '"'


def hugging_face_tokenizer(path):
    """transformers' tokenizer for a GGUF file, built from its metadata by transformers' own converter (its file
    reader needs torch; the converter does not, so the metadata is read here with the `gguf` package)."""
    import sys
    # Other tests import torch_checkpoints, whose `torch` stand-in (no __spec__) makes transformers'
    # torch probe raise: hide the stand-in while transformers is imported.
    stand_ins = {name: sys.modules.pop(name) for name in ("torch", "torch._utils") if name in sys.modules}
    try:
        from transformers.integrations.gguf.gguf_tokenizer_mapping import GGUF_TOKENIZER_MAPPING, convert_gguf_tokenizer
        w = weights(str(path))
        fields = {key: w.field(key) for key in w.reader.fields if key.startswith("tokenizer.")}
        renames = GGUF_TOKENIZER_MAPPING["tokenizer"]
        tokenizer = {name: fields[f"tokenizer.{key}"] for key, name in renames.items() if f"tokenizer.{key}" in fields}
        backend, _ = convert_gguf_tokenizer(w.field("general.architecture"), tokenizer)
    finally:
        sys.modules.update(stand_ins)
    bos = fields.get("tokenizer.ggml.bos_token_id") if fields.get("tokenizer.ggml.add_bos_token") else None
    return backend, bos


@pytest.fixture(scope="module", params=["smollm2", "gemma3"])
def run(request, tmp_path_factory):
    """One mvs run per model: tokens of every text, hidden states and the lens of the first text's ids."""
    from conftest import run_mvs
    name, path = request.param, FILES[request.param]
    assert path.exists(), f"run scripts/fetch-models first ({path})"
    tmp = tmp_path_factory.mktemp(name)
    out = tmp / "out.h5"
    ids = REFERENCE[name]["ids"][0]
    if name == "gemma3":
        ids = [2] + ids  # Gemma expects its <bos>; the file says add_bos_token
    lines = [f"m = load({json.dumps(str(path))})"]
    lines += [f"t{i} = tokens(m, {mvs_string(text)})" for i, text in enumerate(TEXTS)]
    exports = ", ".join(f"t{i}=t{i}" for i in range(len(TEXTS)))
    lines.append(f"export({json.dumps(str(out))}, {exports}, h=hidden(m, {ids}), lens=lens(m, {ids}, top=3), overwrite=true)")
    (tmp / "run.mvs").write_text("\n".join(lines) + "\n", encoding="utf-8")
    run_mvs(str(tmp / "run.mvs"))
    with h5py.File(out, "r") as f:
        tokens = [list(f[f"t{i}"]["id"][()]) for i in range(len(TEXTS))]
        lens = {key: f["lens"][key][()] for key in ("layer", "position", "rank", "id", "probability")}
        return name, path, ids, tokens, f["h"][()], lens


def test_token_ids_equal_the_reference_and_hugging_face_on_more_texts(run):
    name, path, _, tokens, _, _ = run
    backend, bos = hugging_face_tokenizer(path)
    prefix = [] if bos is None else [bos]
    assert bos == (2 if name == "gemma3" else None)
    for text, expected, got in zip(REFERENCE["texts"], REFERENCE[name]["ids"], tokens):
        assert got == prefix + expected, f"{name} {text!r}"
    disagreements = [text for text, got in zip(TEXTS, tokens) if got != prefix + backend.encode(text, add_special_tokens=False).ids]
    assert not disagreements, f"{name}: {len(disagreements)} of {len(TEXTS)} texts differ from Hugging Face: {disagreements}"


def test_hidden_states_match_the_numpy_decoder(run):
    name, path, ids, _, hidden, _ = run
    reference = hidden_states(path, ids)
    assert hidden.shape == reference.shape
    errors = [np.abs(hidden[l] - reference[l]).max() / np.abs(reference[l]).max() for l in range(len(reference))]
    # float32 against float64 on the same dequantised weights: measured ≤ 5.2e-6 (SmolLM2), 4.2e-7 (Gemma 3).
    assert max(errors) < 1e-3, f"{name}: relative max error by state {errors}"


def test_logit_lens_matches_numpy_on_smollm2(run):
    name, path, ids, _, _, lens = run
    if name != "smollm2":
        pytest.skip("the numpy lens needs the whole unembedding; Gemma's is 262144 × 640")
    w = weights(str(path))
    eps = w.field("llama.attention.layer_norm_rms_epsilon")
    states = hidden_states(path, ids)
    embed = w("token_embd.weight")
    top = 3
    for layer, state in enumerate(states):
        normed = state if layer == len(states) - 1 else rms(state, w("output_norm.weight"), eps)
        logits = normed @ embed.T
        probabilities = np.exp(logits - logits.max(1, keepdims=True))
        probabilities /= probabilities.sum(1, keepdims=True)
        for position in range(len(ids)):
            rows = (lens["layer"] == layer) & (lens["position"] == position)
            expected = np.argsort(-logits[position], kind="stable")[:top]
            assert list(lens["id"][rows]) == list(expected), f"layer {layer} position {position}"
            assert list(lens["rank"][rows]) == [1, 2, 3]
            assert np.allclose(lens["probability"][rows], probabilities[position, expected], rtol=1e-3, atol=1e-6)


def test_lens_inputs_read_as_hugging_face_decodes_them(tmp_path):
    """lens on text shows each input token as text (" France"), as Hugging Face's decoder gives it, not as the
    byte-level piece ("ĠFrance")."""
    from conftest import run_mvs
    text, out = "The capital of France is", tmp_path / "lens.h5"
    run_mvs("-c", f'export({json.dumps(str(out))}, l=lens(load({json.dumps(str(FILES["smollm2"]))}), "{text}", top=1))')
    backend, _ = hugging_face_tokenizer(FILES["smollm2"])
    ids = backend.encode(text, add_special_tokens=False).ids
    with h5py.File(out, "r") as f:
        layer, position = f["l"]["layer"][()], f["l"]["position"][()]
        inputs = [value.decode() for value in f["l"]["input"][()][layer == 0]]
        assert list(position[layer == 0]) == list(range(len(ids)))
    assert inputs == [backend.decode([i]) for i in ids]
    assert " France" in inputs
