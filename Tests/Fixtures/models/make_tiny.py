"""Writes the tiny committed fixtures the golden .mvs scripts load (a few hundred bytes each):
tiny-bert/ (1 layer, d=2, ff=3, WordPiece vocab.txt) and tiny-gpt2/ (1 layer, d=2, byte-level tokenizer.json).
Values are small integers so that expected outputs can be derived by hand.

Usage: make_tiny.py   (rewrites the fixtures next to this script)
"""
import json
import os

import numpy as np
from safetensors.numpy import save_file

here = os.path.dirname(os.path.abspath(__file__))


def arange(*shape, start=1):
    return (np.arange(np.prod(shape), dtype=np.float32) + start).reshape(shape)


def write(name, tensors, config, files):
    path = os.path.join(here, name)
    os.makedirs(path, exist_ok=True)
    save_file(tensors, os.path.join(path, "model.safetensors"), metadata={"format": "pt"})
    with open(os.path.join(path, "config.json"), "w") as f:
        json.dump(config, f, indent=1)
    for file, text in files.items():
        with open(os.path.join(path, file), "w", encoding="utf-8") as f:
            f.write(text)


# BERT: Linear weights are out × in; canonical matrices are their transposes.
write("tiny-bert", {
    "embeddings.word_embeddings.weight": arange(6, 2),
    "encoder.layer.0.attention.self.query.weight": arange(2, 2),          # [[1, 2], [3, 4]]
    "encoder.layer.0.attention.self.key.weight": arange(2, 2, start=5),
    "encoder.layer.0.attention.self.value.weight": arange(2, 2, start=9),
    "encoder.layer.0.attention.output.dense.weight": arange(2, 2, start=13),
    "encoder.layer.0.intermediate.dense.weight": arange(3, 2),            # ff 3
    "encoder.layer.0.intermediate.dense.bias": np.zeros(3, np.float32),
    "encoder.layer.0.output.dense.weight": arange(2, 3),
}, {"model_type": "bert", "num_attention_heads": 1, "hidden_size": 2, "vocab_size": 6},
    {"vocab.txt": "[PAD]\n[CLS]\n[SEP]\nhello\n##ing\nworld\n"})

# GPT-2: Conv1D weights are already in × out; c_attn holds q | k | v side by side.
vocab = {"<|endoftext|>": 0, "Ġhello": 1, "Ġworld": 2, "ing": 3, "Ċ": 4, "!": 5}
write("tiny-gpt2", {
    "wte.weight": arange(6, 2),
    "h.0.attn.c_attn.weight": arange(2, 6),                                # [[1..6], [7..12]]
    "h.0.attn.c_proj.weight": arange(2, 2),
    "h.0.mlp.c_fc.weight": arange(2, 8),
    "h.0.mlp.c_proj.weight": arange(8, 2),
    "ln_f.weight": np.ones(2, np.float32),
}, {"model_type": "gpt2", "n_head": 1, "n_embd": 2, "vocab_size": 6},
    {"tokenizer.json": json.dumps({"model": {"type": "BPE", "vocab": vocab, "merges": []},
                                   "pre_tokenizer": {"type": "ByteLevel"}, "decoder": {"type": "ByteLevel"}})})

# Llama: one layer, d = 2, one head; the embedding rows are chosen so that the logit lens at state 0 can be worked
# out by hand (state 0 is the embedding itself: RMS-normed with weight 1, then multiplied by every row).
write("tiny-llama", {
    "model.embed_tokens.weight": np.array([[1, 0], [0, 1], [1, 1], [-1, 0], [0, -1], [2, 0]], np.float32),
    "model.norm.weight": np.ones(2, np.float32),
    "model.layers.0.input_layernorm.weight": np.ones(2, np.float32),
    "model.layers.0.post_attention_layernorm.weight": np.ones(2, np.float32),
    "model.layers.0.self_attn.q_proj.weight": np.eye(2, dtype=np.float32),
    "model.layers.0.self_attn.k_proj.weight": np.eye(2, dtype=np.float32),
    "model.layers.0.self_attn.v_proj.weight": np.eye(2, dtype=np.float32),
    "model.layers.0.self_attn.o_proj.weight": np.eye(2, dtype=np.float32),
    "model.layers.0.mlp.gate_proj.weight": np.eye(2, dtype=np.float32),
    "model.layers.0.mlp.up_proj.weight": np.eye(2, dtype=np.float32),
    "model.layers.0.mlp.down_proj.weight": np.eye(2, dtype=np.float32),
}, {"model_type": "llama", "num_attention_heads": 1, "num_key_value_heads": 1, "hidden_size": 2, "intermediate_size": 2,
    "num_hidden_layers": 1, "rms_norm_eps": 1e-6, "vocab_size": 6, "hidden_act": "silu"}, {})
