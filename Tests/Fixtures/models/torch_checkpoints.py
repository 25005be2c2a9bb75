"""Writes PyTorch checkpoints exactly as `torch.save` lays them out, without torch (which is not installable
here): a zip of stored entries `archive/data.pkl` (pickle protocol 2), `archive/byteorder`, `archive/data/<key>`
(raw little-endian storages, 64-byte aligned like torch's writer) and `archive/version`. Tensors pickle as
`torch._utils._rebuild_tensor_v2(storage, offset, size, stride, requires_grad, backward_hooks)` and storages
as persistent ids `('storage', torch.FloatStorage, key, 'cpu', numel)`.

Usage: torch_checkpoints.py OUTPUT_DIR   (prints numpy's reading of every tensor, as JSON)
"""
import collections
import json
import os
import pickle
import sys
import types
import zipfile

import numpy as np

from reference import stats

# A stand-in `torch` module, so that pickle records the same global names torch's own objects do.
torch = types.ModuleType("torch")
torch_utils = types.ModuleType("torch._utils")
torch._utils = torch_utils
sys.modules["torch"], sys.modules["torch._utils"] = torch, torch_utils
STORAGE_TYPES = {np.dtype("float32"): "FloatStorage", np.dtype("float16"): "HalfStorage",
                 np.dtype("int64"): "LongStorage", np.dtype("float64"): "DoubleStorage",
                 np.dtype("int32"): "IntStorage", np.dtype("uint8"): "ByteStorage"}
for name in set(STORAGE_TYPES.values()):
    cls = type(name, (), {"__module__": "torch"})
    setattr(torch, name, cls)


def _rebuild_tensor_v2(*args):
    raise RuntimeError("never called: only pickled by reference")


def _rebuild_parameter(*args):
    raise RuntimeError("never called")


_rebuild_tensor_v2.__module__ = _rebuild_parameter.__module__ = "torch._utils"
torch_utils._rebuild_tensor_v2 = _rebuild_tensor_v2
torch_utils._rebuild_parameter = _rebuild_parameter


class Storage:
    def __init__(self, key, array):
        self.key, self.array = key, np.ascontiguousarray(array).ravel()


class Tensor:
    """A view of a storage: offset, size and stride in elements, like a torch tensor."""

    def __init__(self, storage, offset, size, stride):
        self.storage, self.offset, self.size, self.stride = storage, offset, tuple(size), tuple(stride)

    def __reduce_ex__(self, protocol):
        return (_rebuild_tensor_v2, (self.storage, self.offset, self.size, self.stride, False, collections.OrderedDict()))

    def numpy(self):
        item = self.storage.array.itemsize
        return np.lib.stride_tricks.as_strided(self.storage.array[self.offset:], self.size,
                                               [s * item for s in self.stride]).copy()


class Parameter:
    def __init__(self, tensor):
        self.tensor = tensor

    def __reduce_ex__(self, protocol):
        return (_rebuild_parameter, (self.tensor, True, collections.OrderedDict()))


class Pickler(pickle.Pickler):
    def persistent_id(self, obj):
        if isinstance(obj, Storage):
            return ("storage", getattr(torch, STORAGE_TYPES[obj.array.dtype]), obj.key, "cpu", obj.array.size)
        return None


def save(obj, path, storages, archive="archive", data_pickle=None, compress_data=False):
    """Writes `obj` the way torch.save does; `data_pickle` replaces the pickle bytes (for hostile fixtures)."""
    import io
    buffer = io.BytesIO()
    Pickler(buffer, protocol=2).dump(obj)
    payload = data_pickle if data_pickle is not None else buffer.getvalue()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as zf:
        def put(name, data, method=zipfile.ZIP_STORED):
            info = zipfile.ZipInfo(f"{archive}/{name}")
            info.compress_type = method
            # torch pads each local header's extra field so the data starts on a 64-byte boundary.
            start = zf.fp.tell() + 30 + len(info.filename.encode())
            pad = (-(start + 4)) % 64
            info.extra = b"FB" + pad.to_bytes(2, "little") + b"Z" * pad
            zf.writestr(info, data)
        put("data.pkl", payload)
        put("byteorder", b"little")
        for storage in storages:
            put(f"data/{storage.key}", storage.array.astype(storage.array.dtype.newbyteorder("<")).tobytes(),
                zipfile.ZIP_DEFLATED if compress_data else zipfile.ZIP_STORED)
        put("version", b"3\n")


rng = np.random.default_rng(11)
V, D, FF = 30, 8, 16


def bert_state():
    """A BERT state dict exercising strided views, shared storages with offsets, float16 and int64."""
    tensors, storages, values = collections.OrderedDict(), [], {}

    def add(name, array, transposed=False):
        key = str(len(storages))
        if transposed:
            # Stored column-major: the tensor is a transposed (non-contiguous) view of its storage.
            storage = Storage(key, array.T)
            tensor = Tensor(storage, 0, array.shape, (1, array.shape[0]))
        else:
            storage = Storage(key, array)
            tensor = Tensor(storage, 0, array.shape, [int(np.prod(array.shape[i + 1:])) for i in range(array.ndim)])
        storages.append(storage)
        tensors[name] = tensor
        values[name] = tensor.numpy()

    add("embeddings.word_embeddings.weight", rng.standard_normal((V, D)).astype(np.float32))
    add("embeddings.position_ids", np.arange(12, dtype=np.int64)[None, :])
    for i in range(2):
        p = f"encoder.layer.{i}."
        add(p + "attention.self.query.weight", rng.standard_normal((D, D)).astype(np.float32), transposed=(i == 1))
        # key and value share one storage: value starts D*D elements in.
        shared = Storage(str(len(storages)), rng.standard_normal(2 * D * D + 3).astype(np.float32))
        storages.append(shared)
        tensors[p + "attention.self.key.weight"] = Tensor(shared, 0, (D, D), (D, 1))
        tensors[p + "attention.self.value.weight"] = Tensor(shared, D * D + 3, (D, D), (D, 1))
        values[p + "attention.self.key.weight"] = tensors[p + "attention.self.key.weight"].numpy()
        values[p + "attention.self.value.weight"] = tensors[p + "attention.self.value.weight"].numpy()
        add(p + "attention.output.dense.weight", rng.standard_normal((D, D)).astype(np.float16))
        add(p + "intermediate.dense.weight", rng.standard_normal((FF, D)).astype(np.float32))
        add(p + "intermediate.dense.bias", rng.standard_normal(FF).astype(np.float32))
        add(p + "output.dense.weight", rng.standard_normal((D, FF)).astype(np.float32), transposed=True)
    tensors._metadata = collections.OrderedDict({"": {"version": 1}})
    return tensors, storages, values


def reference(values):
    out = {name: stats(v.astype(np.float64)) for name, v in values.items()}
    out["embed"] = stats(values["embeddings.word_embeddings.weight"].astype(np.float64))
    parts = {"q": "attention.self.query", "k": "attention.self.key", "v": "attention.self.value",
             "o": "attention.output.dense", "ff1": "intermediate.dense", "ff2": "output.dense"}
    for i in range(2):
        for component, raw in parts.items():
            out[f"layer.{i}.{component}"] = stats(values[f"encoder.layer.{i}.{raw}.weight"].T.astype(np.float64))
    return out


if __name__ == "__main__":
    out = sys.argv[1]
    state, storages, values = bert_state()
    os.makedirs(os.path.join(out, "bert-torch"), exist_ok=True)
    save(state, os.path.join(out, "bert-torch", "pytorch_model.bin"), storages, archive="pytorch_model")
    with open(os.path.join(out, "bert-torch", "config.json"), "w") as f:
        json.dump({"model_type": "bert", "num_attention_heads": 2}, f)
    # A training checkpoint: the weights under "state_dict", wrapped as Parameters, next to other state.
    wrapped = collections.OrderedDict((k, Parameter(v)) for k, v in state.items())
    save({"epoch": 3, "lr": 0.1, "state_dict": wrapped}, os.path.join(out, "checkpoint.pt"), storages)
    # The same weights in two shards with a pytorch_model.bin.index.json, as transformers writes large models.
    shard_dir = os.path.join(out, "bert-torch-sharded")
    os.makedirs(shard_dir, exist_ok=True)
    names = list(state)
    weight_map = {}
    for index, part in enumerate([names[: len(names) // 2], names[len(names) // 2:]]):
        file = f"pytorch_model-{index + 1:05d}-of-00002.bin"
        shard = collections.OrderedDict((n, state[n]) for n in part)
        used = {id(t.storage): t.storage for t in shard.values()}
        save(shard, os.path.join(shard_dir, file), list(used.values()), archive=file[:-4])
        weight_map.update({n: file for n in part})
    with open(os.path.join(shard_dir, "pytorch_model.bin.index.json"), "w") as f:
        json.dump({"metadata": {}, "weight_map": weight_map}, f)
    json.dump({"bert-torch": reference(values), "bert-torch-sharded": reference(values), "checkpoint": {k: stats(v.astype(np.float64)) for k, v in values.items()}}, sys.stdout)
