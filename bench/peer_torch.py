"""Peers in PyTorch (CPU, its bundled MKL/OpenMP, all cores): what a researcher runs in a notebook.

Usage: peer_torch.py JOB ARGS...   with JOB one of rank MODEL, project MODEL, norm MODEL, delta FT BASE, gguf_rank FILE,
gguf_project FILE (the same work as bench/mvs_JOB.mvs). Runs in the benchmark environment ($MVS_CACHE/bench-venv),
never the test environment. Prints `work_seconds=S` last: the time after `import torch` (≈1–2 s), which the
harness reports beside the whole process, as a notebook user pays the import once.
"""
import sys
import time

import torch  # noqa: E402  (imported before the clock starts, on purpose)

start = time.perf_counter()
from peer_common import COMPONENT, CANONICAL  # noqa: E402


def safetensors(path):
    import os
    from safetensors.torch import load_file
    return load_file(os.path.join(path, "model.safetensors") if os.path.isdir(path) else path)


def canonical(tensors):
    """(layer, component, matrix) of every canonical matrix, in stored orientation (σ(Wᵀ) = σ(W))."""
    out = []
    for name, value in tensors.items():
        m = CANONICAL.search(name)
        if m:
            out.append((int(m.group(1)), COMPONENT[m.group(2)], value))
    return out


def measures(w):
    s = torch.linalg.svdvals(w).double()
    tol = s[0] * max(w.shape) * torch.finfo(torch.float32).eps
    p = s / s.sum()
    return int((s > tol).sum()), float(torch.exp(-(p * torch.log(p)).sum())), float((s ** 2).sum() / s[0] ** 2)


def top_tokens(embedding, values):
    """Top-10 token ids of every value vector (rows of `values`) through `embedding`, best first."""
    scores = embedding @ values.T
    return torch.topk(scores, 10, dim=0).indices


def gguf_weights(path):
    import gguf
    import numpy as np
    reader = gguf.GGUFReader(path)
    arch = reader.fields["general.architecture"].contents()
    tensors = {t.name: t for t in reader.tensors}

    def weight(name):
        t = tensors[name]
        array = gguf.quants.dequantize(t.data, t.tensor_type).astype(np.float32, copy=False)
        return torch.from_numpy(array.reshape([int(d) for d in reversed(t.shape)]))
    return weight, reader.fields[f"{arch}.block_count"].contents()


job, args = sys.argv[1], sys.argv[2:]
if job == "rank":
    print(len([measures(w) for _, _, w in canonical(safetensors(args[0]))]))
elif job == "project":
    tensors = safetensors(args[0])
    E = tensors["embeddings.word_embeddings.weight"]
    print(sum(top_tokens(E, w.T).shape[1] for _, c, w in canonical(tensors) if c == "ff2"))
elif job == "norm":
    print(sum(float(torch.linalg.vector_norm(v)) ** 2 for v in safetensors(args[0]).values() if v.is_floating_point()) ** 0.5)
elif job == "delta":
    ft, base = safetensors(args[0]), safetensors(args[1])
    total = sum(float(((ft[n] - v).double() ** 2).sum()) for n, v in base.items() if n in ft and v.is_floating_point())
    print(total ** 0.5)
elif job == "gguf_rank":
    weight, layers = gguf_weights(args[0])
    parts = ["attn_q", "attn_k", "attn_v", "attn_output", "ffn_up", "ffn_gate", "ffn_down"]
    print(len([measures(weight(f"blk.{layer}.{part}.weight")) for layer in range(layers) for part in parts]))
elif job == "gguf_project":
    weight, layers = gguf_weights(args[0])
    print(top_tokens(weight("token_embd.weight"), weight(f"blk.{layers - 1}.ffn_down.weight").T).shape)
else:
    sys.exit(f"peer_torch.py: unknown job {job}")
print(f"work_seconds={time.perf_counter() - start:.4f}")
