"""Writes a synthetic 1-billion-parameter Llama-shaped model (16 layers × 2048, FF 8192, GQA 32/8 heads, vocab 32000)
as one float16 safetensors file (≈2.1 GB), streaming one tensor at a time so the writer holds one matrix.

Usage: make_llama1b.py OUT_DIR [--layers N]   (written to OUT_DIR.partial, then renamed)
"""
import json
import os
import struct
import sys

import numpy as np

out = sys.argv[1]
layers = int(sys.argv[sys.argv.index("--layers") + 1]) if "--layers" in sys.argv else 16
d, ff, vocab, heads, kv_heads = 2048, 8192, 32000, 32, 8
kv = d // heads * kv_heads
shapes = [("model.embed_tokens.weight", (vocab, d))]
for layer in range(layers):
    p = f"model.layers.{layer}."
    shapes += [(p + "self_attn.q_proj.weight", (d, d)), (p + "self_attn.k_proj.weight", (kv, d)),
               (p + "self_attn.v_proj.weight", (kv, d)), (p + "self_attn.o_proj.weight", (d, d)),
               (p + "mlp.gate_proj.weight", (ff, d)), (p + "mlp.up_proj.weight", (ff, d)),
               (p + "mlp.down_proj.weight", (d, ff)), (p + "input_layernorm.weight", (d,)),
               (p + "post_attention_layernorm.weight", (d,))]
shapes.append(("model.norm.weight", (d,)))
header, offset = {}, 0
for name, shape in shapes:
    size = int(np.prod(shape)) * 2
    header[name] = {"dtype": "F16", "shape": list(shape), "data_offsets": [offset, offset + size]}
    offset += size
encoded = json.dumps(header).encode()
encoded += b" " * (-len(encoded) % 8)
partial = out + ".partial"
os.makedirs(partial, exist_ok=True)
rng = np.random.default_rng(0)
with open(os.path.join(partial, "model.safetensors"), "wb") as f:
    f.write(struct.pack("<Q", len(encoded)) + encoded)
    for name, shape in shapes:
        values = np.ones(shape, np.float16) if len(shape) == 1 else rng.normal(0, 0.02, shape).astype(np.float16)
        f.write(values.tobytes())
with open(os.path.join(partial, "config.json"), "w") as f:
    json.dump({"model_type": "llama", "num_hidden_layers": layers, "hidden_size": d, "intermediate_size": ff,
               "num_attention_heads": heads, "num_key_value_heads": kv_heads, "vocab_size": vocab}, f)
os.rename(partial, out)
print(sum(int(np.prod(shape)) for _, shape in shapes))
