"""Forward pass interop: mvs's tokens and hidden states against a WordPiece and a BERT encoder written here
in pure Python and numpy (float64), on the real MiniLM and a Keras categorium BERT."""
import json
import unicodedata

import h5py
import numpy as np
import pytest
from safetensors.numpy import load_file

SENTENCES = [
    "The cat sat on the mat.",
    "Héllo, WORLD! Unbelievably naïve café-goers paid $3.50 (or so).",
    "東京 is big; x^y = z... [MASK] done",
]


# --- WordPiece, written from BERT's tokenization.py description -------------------------------------
def is_punctuation(ch):
    cp = ord(ch)
    if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
        return True
    return unicodedata.category(ch).startswith("P")


def is_cjk(cp):
    return any(lo <= cp <= hi for lo, hi in [(0x4E00, 0x9FFF), (0x3400, 0x4DBF), (0x20000, 0x2A6DF), (0x2A700, 0x2B73F),
                                             (0x2B740, 0x2B81F), (0x2B820, 0x2CEAF), (0xF900, 0xFAFF), (0x2F800, 0x2FA1F)])


def basic_tokens(text, lower):
    cleaned = []
    for ch in text:
        cp = ord(ch)
        if cp == 0 or cp == 0xFFFD or (unicodedata.category(ch) in ("Cc", "Cf") and ch not in "\t\n\r"):
            continue
        if ch in " \t\n\r" or unicodedata.category(ch) == "Zs":
            cleaned.append(" ")
        elif is_cjk(cp):
            cleaned.append(f" {ch} ")
        else:
            cleaned.append(ch)
    out = []
    for word in "".join(cleaned).split():
        if lower:
            word = "".join(c for c in unicodedata.normalize("NFD", word.lower()) if unicodedata.category(c) != "Mn")
        current = ""
        for ch in word:
            if is_punctuation(ch):
                if current:
                    out.append(current)
                out.append(ch)
                current = ""
            else:
                current += ch
        if current:
            out.append(current)
    return out


def word_ids(word, vocab):
    start, pieces = 0, []
    while start < len(word):
        end = len(word)
        while end > start and (("##" if start else "") + word[start:end]) not in vocab:
            end -= 1
        if end == start:
            return [vocab["[UNK]"]]
        pieces.append(vocab[("##" if start else "") + word[start:end]])
        start = end
    return pieces


def wordpiece(text, vocab, lower=True):
    """[CLS] pieces [SEP]; a literal [MASK] stays one token."""
    segments = [[i for word in basic_tokens(part, lower) for i in word_ids(word, vocab)] for part in text.split("[MASK]")]
    ids = segments[0]
    for segment in segments[1:]:
        ids += [vocab["[MASK]"]] + segment
    return [vocab["[CLS]"]] + ids + [vocab["[SEP]"]]


def read_vocab(path):
    with open(path, encoding="utf-8") as f:
        return {line.rstrip("\n"): i for i, line in enumerate(f)}


# --- A BERT encoder in numpy --------------------------------------------------------------------------
def gelu(x):
    from math import erf, sqrt
    return 0.5 * x * (1 + np.vectorize(erf)(x / sqrt(2)))


def layer_norm(x, w, b, eps):
    mu = x.mean(-1, keepdims=True)
    var = ((x - mu) ** 2).mean(-1, keepdims=True)
    return (x - mu) / np.sqrt(var + eps) * w + b


def bert_hidden(get, ids, layers, heads, eps):
    """Hidden states (layers + 1) × tokens × d; get(name) → float64 array in PyTorch layout (Linear out × in)."""
    return bert_states(get, get("embeddings.word_embeddings.weight")[ids], layers, heads, eps)[0]


def bert_states(get, inputs, layers, heads, eps):
    """Hidden states and each layer's FF pre-activations for input word embeddings (tokens × d)."""
    t = len(inputs)
    x = inputs + get("embeddings.position_embeddings.weight")[:t] + get("embeddings.token_type_embeddings.weight")[0]
    x = layer_norm(x, get("embeddings.LayerNorm.weight"), get("embeddings.LayerNorm.bias"), eps)
    states, pre = [x], []
    for layer in range(layers):
        p = f"encoder.layer.{layer}."
        lin = lambda h, name: h @ get(p + name + ".weight").T + get(p + name + ".bias")
        q, k, v = lin(x, "attention.self.query"), lin(x, "attention.self.key"), lin(x, "attention.self.value")
        d = q.shape[1]
        hw = d // heads
        ctx = np.zeros_like(q)
        for h in range(heads):
            s = slice(h * hw, (h + 1) * hw)
            scores = q[:, s] @ k[:, s].T / np.sqrt(hw)
            scores = np.exp(scores - scores.max(1, keepdims=True))
            ctx[:, s] = (scores / scores.sum(1, keepdims=True)) @ v[:, s]
        x = layer_norm(lin(ctx, "attention.output.dense") + x, get(p + "attention.output.LayerNorm.weight"),
                       get(p + "attention.output.LayerNorm.bias"), eps)
        pre.append(lin(x, "intermediate.dense"))
        f = lin(gelu(pre[-1]), "output.dense")
        x = layer_norm(f + x, get(p + "output.LayerNorm.weight"), get(p + "output.LayerNorm.bias"), eps)
        states.append(x)
    return np.stack(states), pre


def quote(text):
    return json.dumps(str(text), ensure_ascii=False)


def run_mvs_forward(mvs, tmp_path, model_dir, text):
    out = tmp_path / "forward.h5"
    script = tmp_path / "forward.mvs"
    script.write_text(f"m = load({quote(model_dir)})\n"
                      f"export({quote(out)}, t=tokens(m, {quote(text)}), h=hidden(m, {quote(text)}), overwrite=true)\n",
                      encoding="utf-8")
    mvs(str(script))
    with h5py.File(out, "r") as f:
        return list(f["t"]["id"][()]), f["h"][()]


@pytest.mark.parametrize("text", SENTENCES)
def test_minilm_tokens_and_hidden_states_match_numpy(mvs, tmp_path, minilm_dir, text):
    vocab = read_vocab(minilm_dir / "vocab.txt")
    ids, hidden = run_mvs_forward(mvs, tmp_path, minilm_dir, text)
    assert ids == wordpiece(text, vocab)
    weights = load_file(str(minilm_dir / "model.safetensors"))
    reference = bert_hidden(lambda n: weights[n].astype(np.float64), ids, layers=6, heads=12, eps=1e-12)
    assert hidden.shape == reference.shape == (7, len(ids), 384)
    for layer in range(7):
        error = np.abs(hidden[layer] - reference[layer]).max() / np.abs(reference[layer]).max()
        assert error < 1e-4, f"layer {layer}: relative max error {error}"


def test_keras_bert_hidden_states_match_numpy(mvs, tmp_path, categorium_dir):
    model_dir = categorium_dir / "en"
    text = "Where is my parcel? It was due yesterday."
    ids, hidden = run_mvs_forward(mvs, tmp_path, model_dir, text)
    assert ids == wordpiece(text, read_vocab(model_dir / "vocab.txt"))
    with h5py.File(model_dir / "tf_model.h5", "r") as f:
        stored = {}
        f.visititems(lambda name, obj: stored.__setitem__(name, obj[()]) if isinstance(obj, h5py.Dataset) else None)

    def get(name):
        # Keras names: …/bert/encoder/layer_._0/attention/self/query/kernel:0, kernels stored in × out.
        parts = name.split(".")
        leaf = parts.pop()
        if parts[-1] == "LayerNorm":
            leaf = {"weight": "gamma", "bias": "beta"}[leaf]
        elif parts[-1] in ("position_embeddings", "token_type_embeddings"):
            leaf = "embeddings"
        elif parts[-1] != "word_embeddings" and leaf == "weight":
            leaf = "kernel"
        key = ("/bert/" + "/".join(parts) + f"/{leaf}:0").replace("encoder/layer/", "encoder/layer_._")
        matches = [v for k, v in stored.items() if k.endswith(key)]
        assert len(matches) == 1, (name, key)
        return matches[0].astype(np.float64).T if leaf == "kernel" else matches[0].astype(np.float64)

    reference = bert_hidden(get, ids, layers=2, heads=2, eps=1e-12)
    error = np.abs(hidden - reference).max() / np.abs(reference).max()
    assert error < 1e-4


def run_script(mvs, tmp_path, lines):
    out = tmp_path / "out.h5"
    script = tmp_path / "script.mvs"
    script.write_text("\n".join(lines).replace("OUT", quote(out)) + "\n", encoding="utf-8")
    mvs(str(script))
    return h5py.File(out, "r")


def nearest_by_cosine(inputs, embedding):
    scores = (inputs / np.linalg.norm(inputs, axis=1, keepdims=True)) @ (embedding / np.linalg.norm(embedding, axis=1, keepdims=True)).T
    return scores.argmax(1), scores


def test_minilm_reconstruction_at_layer_zero_is_exact_and_its_report_checks_out(mvs, tmp_path, minilm_dir):
    text = "the cat sat on the mat."
    f = run_script(mvs, tmp_path, [f"m = load({quote(minilm_dir)})",
                                   f"export(OUT, r0=reconstruct(m, {quote(text)}, layer=0, steps=60, seed=1),"
                                   f" r2=reconstruct(m, {quote(text)}, layer=2, steps=20, seed=1, loss=\"l1\"))"])
    weights = load_file(str(minilm_dir / "model.safetensors"))
    get = lambda n: weights[n].astype(np.float64)
    embedding = get("embeddings.word_embeddings.weight")
    ids = wordpiece(text, read_vocab(minilm_dir / "vocab.txt"))
    assert f["r0"].attrs["exact"] and f["r0"].attrs["accuracy"] == 1.0
    for name, layer in [("r0", 0), ("r2", 2)]:
        group = f[name]
        assert group.attrs["layer"] == layer
        positions = group["positions"]
        assert list(positions["id"][()]) == ids
        inputs = group["inputs"][()].astype(np.float64)
        nearest, _ = nearest_by_cosine(inputs, embedding)
        assert list(positions["recovered_id"][()]) == list(nearest)
        assert group.attrs["accuracy"] == pytest.approx(np.mean(nearest == np.array(ids)))
        # Per-position error: ‖h_l(inputs) − h_l(true)‖ / ‖h_l(true)‖ from the numpy encoder.
        found = bert_states(get, inputs, layer, 12, 1e-12)[0][layer]
        truth = bert_states(get, embedding[ids], layer, 12, 1e-12)[0][layer]
        expected = np.linalg.norm(found - truth, axis=1) / np.linalg.norm(truth, axis=1)
        assert np.allclose(positions["error"][()], expected, rtol=1e-3, atol=1e-5)
        cosines = np.sum(inputs * embedding[ids], 1) / np.linalg.norm(inputs, axis=1) / np.linalg.norm(embedding[ids], axis=1)
        assert np.allclose(positions["cosine"][()], cosines, atol=1e-5)


def test_minilm_visualization_reports_the_activation_numpy_computes(mvs, tmp_path, minilm_dir):
    f = run_script(mvs, tmp_path, [f"m = load({quote(minilm_dir)})",
                                   "v = visualize(m, layer=1, neuron=7, length=3, steps=40, seed=2, top=3)",
                                   "export(OUT, v=v)"])
    weights = load_file(str(minilm_dir / "model.safetensors"))
    get = lambda n: weights[n].astype(np.float64)
    group = f["v"]
    inputs = group["inputs"][()].astype(np.float64)
    pre = bert_states(get, inputs, 2, 12, 1e-12)[1][1][:, 7]
    assert np.allclose(group["activations"][()], pre, rtol=1e-4, atol=1e-4)
    assert group.attrs["objective"] == pytest.approx(pre.sum(), rel=1e-4)
    assert group.attrs["objective"] > group.attrs["start"]
    _, scores = nearest_by_cosine(inputs, get("embeddings.word_embeddings.weight"))
    top = np.argsort(-scores, axis=1)[:, :3].reshape(-1)
    assert list(group["tokens"]["id"][()]) == list(top)
