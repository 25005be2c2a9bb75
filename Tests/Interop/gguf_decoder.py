"""A numpy reference for the two GGUF decoders (llama, gemma3), written from llama.cpp's graph definitions and
run on the `gguf` package's dequantised weights under llama.cpp's own tensor names.

Independent of mvs's reading on purpose: q and k stay in the row order the converter permuted them into, and
the llama rotation is llama.cpp's interleaved one (pairs 2i, 2i+1), which on those rows equals Hugging Face's
rotate-half on the original rows. Gemma uses the rotate-half (NEOX) form on unpermuted rows, as llama.cpp does.
"""
import functools

import numpy as np
import gguf


@functools.lru_cache(maxsize=None)
def weights(path):
    """One reader per file: parsing Gemma's 262,144 token strings takes seconds."""
    return Weights(path)


class Weights:
    """Dequantised tensors of a GGUF file by name, read on first use; kept in float32 (the activations are float64,
    so every product is computed in float64)."""

    def __init__(self, path):
        self.reader = gguf.GGUFReader(str(path))
        self.tensors = {t.name: t for t in self.reader.tensors}
        self.cache = {}

    def field(self, key):
        return self.reader.fields[key].contents()

    def __call__(self, name):
        if name not in self.cache:
            t = self.tensors[name]
            self.cache[name] = gguf.quants.dequantize(t.data, t.tensor_type).astype(np.float32)
        return self.cache[name]

    def rows(self, name, ids):
        """Only the rows `ids` of a (vocab × d) tensor: quantisation blocks never cross rows."""
        t = self.tensors[name]
        return gguf.quants.dequantize(np.asarray(t.data)[ids], t.tensor_type).astype(np.float64)


def rms(x, w, eps):
    return x / np.sqrt((x ** 2).mean(-1, keepdims=True) + eps) * w


def rope_interleaved(x, base):
    """llama.cpp's normal rope: dimensions (2i, 2i+1) rotate by position · base^(-2i/d)."""
    t, d = x.shape
    angle = np.outer(np.arange(t), base ** (-np.arange(0, d, 2) / d))
    a, b = x[:, 0::2], x[:, 1::2]
    out = np.empty_like(x)
    out[:, 0::2] = a * np.cos(angle) - b * np.sin(angle)
    out[:, 1::2] = a * np.sin(angle) + b * np.cos(angle)
    return out


def rope_neox(x, base):
    """The NEOX / Hugging Face form: dimension i pairs with i + d/2."""
    t, d = x.shape
    angle = np.outer(np.arange(t), base ** (-np.arange(0, d, 2) / d))
    a, b = x[:, : d // 2], x[:, d // 2:]
    return np.concatenate([a * np.cos(angle) - b * np.sin(angle), b * np.cos(angle) + a * np.sin(angle)], 1)


def gelu_tanh(x):
    return 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x ** 3)))


def attention(q, k, v, heads, kv_heads, rope, qnorm=None, knorm=None, window=None):
    t = q.shape[0]
    hw = q.shape[1] // heads
    out = np.zeros((t, heads * hw))
    visible = np.tril(np.ones((t, t), bool))
    if window is not None:
        visible &= np.subtract.outer(np.arange(t), np.arange(t)) < window
    for h in range(heads):
        g = h // (heads // kv_heads)
        qh, kh, vh = q[:, h * hw:(h + 1) * hw], k[:, g * hw:(g + 1) * hw], v[:, g * hw:(g + 1) * hw]
        if qnorm is not None:
            qh, kh = qnorm(qh), knorm(kh)
        s = rope(qh) @ rope(kh).T / np.sqrt(hw)
        s = np.where(visible, s, -np.inf)
        s = np.exp(s - s.max(1, keepdims=True))
        out[:, h * hw:(h + 1) * hw] = (s / s.sum(1, keepdims=True)) @ vh
    return out


@functools.lru_cache(maxsize=None)
def _states(path, ids):
    return _hidden_states(weights(path), list(ids))


def hidden_states(path, ids):
    """States 0…L as Hugging Face reports them (0 = the (scaled) embeddings, the last after the final norm)."""
    return _states(str(path), tuple(ids))


def _hidden_states(w, ids):
    arch = w.field("general.architecture")
    meta = lambda key: w.field(f"{arch}.{key}")
    layers, heads, kv = meta("block_count"), meta("attention.head_count"), meta("attention.head_count_kv")
    eps, base = meta("attention.layer_norm_rms_epsilon"), meta("rope.freq_base")
    linear = lambda x, name: x @ w(name).T
    x = w.rows("token_embd.weight", ids)
    if arch == "gemma3":
        x = x * np.sqrt(x.shape[1])
    states = [x]
    for layer in range(layers):
        p = f"blk.{layer}."
        a = rms(x, w(p + "attn_norm.weight"), eps)
        q, k, v = linear(a, p + "attn_q.weight"), linear(a, p + "attn_k.weight"), linear(a, p + "attn_v.weight")
        if arch == "llama":
            ctx = attention(q, k, v, heads, kv, lambda h: rope_interleaved(h, base))
            x = x + linear(ctx, p + "attn_output.weight")
            m = rms(x, w(p + "ffn_norm.weight"), eps)
            gate = linear(m, p + "ffn_gate.weight")
            x = x + linear(gate / (1 + np.exp(-gate)) * linear(m, p + "ffn_up.weight"), p + "ffn_down.weight")
        elif arch == "gemma3":
            # Every sixth layer is global (base from the file); the rest use a 512-token window and base 10000.
            local = layer % 6 < 5
            qn, kn = w(p + "attn_q_norm.weight"), w(p + "attn_k_norm.weight")
            ctx = attention(q, k, v, heads, kv, lambda h: rope_neox(h, 10000.0 if local else base),
                            qnorm=lambda h: rms(h, qn, eps), knorm=lambda h: rms(h, kn, eps),
                            window=meta("attention.sliding_window") if local else None)
            x = x + rms(linear(ctx, p + "attn_output.weight"), w(p + "post_attention_norm.weight"), eps)
            m = rms(x, w(p + "ffn_norm.weight"), eps)
            ff = linear(gelu_tanh(linear(m, p + "ffn_gate.weight")) * linear(m, p + "ffn_up.weight"), p + "ffn_down.weight")
            x = x + rms(ff, w(p + "post_ffw_norm.weight"), eps)
        else:
            raise ValueError(arch)
        states.append(x)
    states[-1] = rms(x, w("output_norm.weight"), eps)
    return np.stack(states)
