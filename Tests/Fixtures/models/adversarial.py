"""Writes adversarial inputs that random fuzzing rarely reaches: shared and deep structures, huge and
zero dimensions, lying counts, long runs. Each must give a clean error (or a correct result) within a
time budget. Prints a JSON manifest [{"load", "error" (empty when the file must load), "variant"}].

Usage: adversarial.py OUTPUT_DIR
"""
import json
import os
import struct
import sys

import numpy as np

import torch_checkpoints as tc

out = sys.argv[1]
manifest = []
for folder in ("pt", "st"):
    os.makedirs(os.path.join(out, folder), exist_ok=True)


def write(name, data):
    path = os.path.join(out, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def expect(load, error, variant):
    manifest.append({"load": load, "error": error, "variant": variant})


def safetensors(name, header, data=b""):
    text = json.dumps(header).encode()
    write(name, struct.pack("<Q", len(text)) + text + data)


# Shared containers: None, then k × (DUP, TUPLE2) makes a DAG of k nodes whose tree has 2^k leaves.
# Beyond 64 levels the depth guard answers first; below it the work budget must.
shared = "refer to one another more often than its size allows"
for depth, error in ((24, shared), (40, shared), (60, shared), (200, "nests containers too deeply")):
    pickle_bytes = b"\x80\x02N" + b"2\x86" * depth + b"."
    tc.save({}, os.path.join(out, f"pt/dag-{depth}.bin"), [], data_pickle=pickle_bytes)
    expect(f"pt/dag-{depth}.bin", error, f"DUP/TUPLE2 × {depth}")
# The same DAG under a dict key, reached through a list.
pickle_bytes = b"\x80\x02}X\x01\x00\x00\x00a]N" + b"2\x86" * 50 + b"a" + b"s."
tc.save({}, os.path.join(out, "pt/dag-in-dict.bin"), [], data_pickle=pickle_bytes)
expect("pt/dag-in-dict.bin", "refer to one another more often than its size allows", "DAG inside dict and list")

# Zero-element tensors with absurd other dimensions.
storage = tc.Storage("0", np.zeros(4, np.float32))
for shape in ((0, 2 ** 40, 2 ** 40), (2 ** 33, 0), (0, 2 ** 62, 4)):
    name = "pt/zero-" + "x".join(map(str, shape)) + ".bin"
    tc.save({"w": tc.Tensor(storage, 0, shape, (0,) * len(shape))}, os.path.join(out, name), [storage])
    expect(name, "overflows or has a dimension above 2³²", f"zero-size torch shape {shape}")
for shape in ([8 * 10 ** 15, 0], [0, 2 ** 33], [2 ** 33, 2 ** 33, 0]):
    name = "st/zero-" + "x".join(map(str, shape)) + ".safetensors"
    safetensors(name, {"x": {"dtype": "F32", "shape": shape, "data_offsets": [0, 0]}})
    expect(name, "overflows or has a dimension above 2³²", f"zero-size safetensors shape {shape}")
# An honest zero-size tensor loads.
safetensors("st/zero-ok.safetensors", {"x": {"dtype": "F32", "shape": [0, 384], "data_offsets": [0, 0]},
                                       "y": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}}, b"\0" * 4)
expect("st/zero-ok.safetensors", "", "zero-size 0×384")

# Huge sharded indexes: many entries over many shard names (de-duplication must stay linear).
for entries in (20000, 120000):
    directory = os.path.join(out, f"index-{entries}")
    os.makedirs(directory, exist_ok=True)
    weight_map = {f"layer.{i}.w": f"shard-{i}.safetensors" for i in range(entries)}
    with open(os.path.join(directory, "model.safetensors.index.json"), "w") as f:
        json.dump({"weight_map": weight_map}, f)
    expect(f"index-{entries}/", "is missing", f"index with {entries} shards")

json.dump(manifest, sys.stdout)
