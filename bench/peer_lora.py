"""Peer: mergekit-extract-lora's core in numpy: the SVD of every layer matrix's and the embedding's delta,
truncated at rank 16 (√S into both factors), written as a PEFT adapter (safetensors + adapter_config.json)."""
import json
import os
import sys

import numpy as np
from safetensors.numpy import save_file
from peer_common import CANONICAL, load

ft, base, out = load(sys.argv[1]), load(sys.argv[2]), sys.argv[3]
rank = 16
tensors, modules = {}, []
for name, w in base.items():
    embedding = name == "embeddings.word_embeddings.weight"
    if not (embedding or CANONICAL.search(name)):
        continue
    d = (ft[name] - w).astype(np.float32)
    if not d.any():
        continue
    u, s, vt = np.linalg.svd(d.T if embedding else d, full_matrices=False)
    root = np.sqrt(s[:rank])
    a, b = root[:, None] * vt[:rank], u[:, :rank] * root
    module = name[: -len(".weight")]
    kind = "lora_embedding" if embedding else "lora"
    suffix = "" if embedding else ".weight"
    tensors[f"base_model.model.{module}.{kind}_A{suffix}"] = np.ascontiguousarray(a)
    tensors[f"base_model.model.{module}.{kind}_B{suffix}"] = np.ascontiguousarray(b)
    modules.append(module)
os.makedirs(out, exist_ok=True)
save_file(tensors, os.path.join(out, "adapter_model.safetensors"))
with open(os.path.join(out, "adapter_config.json"), "w") as f:
    json.dump({"peft_type": "LORA", "r": rank, "lora_alpha": rank, "target_modules": modules}, f)
print(len(modules))
