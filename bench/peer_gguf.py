"""Peers for the GGUF jobs: the `gguf` package (GGUFReader, gguf.quants.dequantize) + numpy.

Usage: peer_gguf.py JOB FILE   with JOB one of load, dequant, rank, project (what the mvs_gguf_JOB.mvs scripts do).
"""
import sys

import gguf
import numpy as np

from peer_common import rank_measures

job, path = sys.argv[1], sys.argv[2]
reader = gguf.GGUFReader(path)
arch = reader.fields["general.architecture"].contents()
tensors = {t.name: t for t in reader.tensors}


def weight(name):
    t = tensors[name]
    return gguf.quants.dequantize(t.data, t.tensor_type).astype(np.float32, copy=False).reshape([int(d) for d in reversed(t.shape)])


if job == "load":
    print(float(np.linalg.norm(weight("blk.0.attn_q.weight"))))
elif job == "dequant":
    print(sum(weight(name).size for name in tensors))
elif job == "rank":
    parts = ["attn_q", "attn_k", "attn_v", "attn_output", "ffn_up", "ffn_gate", "ffn_down"]
    layers = reader.fields[f"{arch}.block_count"].contents()
    rows = [rank_measures(weight(f"blk.{layer}.{part}.weight").T) for layer in range(layers) for part in parts]
    print(len(rows))
elif job == "project":
    E = weight("token_embd.weight")
    layers = reader.fields[f"{arch}.block_count"].contents()
    w = weight(f"blk.{layers - 1}.ffn_down.weight").T           # d_ff × d: the FF value vectors
    scores = E @ w.T                                             # vocab × d_ff
    top = np.argpartition(-scores, 10, axis=0)[:10]
    order = np.argsort(-np.take_along_axis(scores, top, axis=0), axis=0)
    print(np.take_along_axis(top, order, axis=0).shape)
