"""Writes a synthetic model with bert-base's shapes (12 layers × 768, FF 3072, vocab 30522) as safetensors."""
import os
import shutil
import sys

import numpy as np
from safetensors.numpy import save_file

out, vocab_source = sys.argv[1], sys.argv[2]
rng = np.random.default_rng(0)
d, ff, vocab, layers = 768, 3072, 30522, 12
tensors = {"embeddings.word_embeddings.weight": rng.normal(0, 0.02, (vocab, d)).astype(np.float32),
           "embeddings.position_embeddings.weight": rng.normal(0, 0.02, (512, d)).astype(np.float32)}
for layer in range(layers):
    p = f"encoder.layer.{layer}."
    for name in ["attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense"]:
        tensors[p + name + ".weight"] = rng.normal(0, 0.02, (d, d)).astype(np.float32)
        tensors[p + name + ".bias"] = np.zeros(d, np.float32)
    tensors[p + "intermediate.dense.weight"] = rng.normal(0, 0.02, (ff, d)).astype(np.float32)
    tensors[p + "output.dense.weight"] = rng.normal(0, 0.02, (d, ff)).astype(np.float32)
os.makedirs(out + ".partial", exist_ok=True)
save_file(tensors, os.path.join(out + ".partial", "model.safetensors"))
with open(os.path.join(out + ".partial", "config.json"), "w") as f:
    f.write('{"model_type": "bert", "num_hidden_layers": 12, "hidden_size": 768, "num_attention_heads": 12, '
            '"intermediate_size": 3072, "vocab_size": 30522}\n')
shutil.copy(os.path.join(vocab_source, "vocab.txt"), out + ".partial")
os.rename(out + ".partial", out)
