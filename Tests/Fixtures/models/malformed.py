"""Writes the malformed-file corpus: each file is broken in exactly one way. Prints a JSON manifest
[{"load": path relative to OUTPUT_DIR, "names": what the error must name, "error": what it must say}].

Usage: malformed.py OUTPUT_DIR
"""
import collections
import io
import json
import os
import pickle
import struct
import sys
import zipfile

import h5py
import numpy as np

import torch_checkpoints as tc

out = sys.argv[1]
manifest = []


def case(load, error, names=None):
    manifest.append({"load": load, "names": names or os.path.basename(load.rstrip("/")), "error": error})


def write(name, data):
    path = os.path.join(out, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)
    return path


def safetensors(name, header, data=b"", error="", raw_header=None):
    text = raw_header if raw_header is not None else json.dumps(header).encode()
    write(name, struct.pack("<Q", len(text)) + text + data)
    case(name, error)


F32 = lambda shape, begin, end: {"dtype": "F32", "shape": shape, "data_offsets": [begin, end]}

# --- safetensors: the length prefix and the JSON ---
write("st/empty.safetensors", b""); case("st/empty.safetensors", "too short for the 8-byte header length")
write("st/short.safetensors", b"\x10\x00\x00"); case("st/short.safetensors", "too short for the 8-byte header length")
write("st/header-past-end.safetensors", struct.pack("<Q", 1000) + b"{}" + b" " * 40)
case("st/header-past-end.safetensors", "header length 1000 runs past the end of the file (50 bytes)")
write("st/header-huge.safetensors", struct.pack("<Q", 2 ** 63 + 5) + b"{}")
case("st/header-huge.safetensors", "runs past the end of the file")
safetensors("st/not-json.safetensors", None, raw_header=b"{not json}", error="invalid JSON at byte 1")
safetensors("st/truncated-json.safetensors", None, raw_header=b'{"a": {"dtype": "F32"', error="invalid JSON")
safetensors("st/not-an-object.safetensors", None, raw_header=b"[1, 2]", error="does not start with '{'")
safetensors("st/bad-utf8.safetensors", None, raw_header=b'{"\xff\xfe": 1}', error="invalid UTF-8")
safetensors("st/too-deep.safetensors", None, raw_header=b'{"a": ' + b"[" * 300 + b"]" * 300 + b"}", error="nested too deeply")
safetensors("st/trailing-text.safetensors", None, raw_header=b'{} {}', error="unexpected text after the JSON value")
# --- safetensors: entries ---
safetensors("st/unknown-dtype.safetensors", {"w": {"dtype": "F8", "shape": [2], "data_offsets": [0, 2]}}, b"\0" * 2,
            "tensor 'w': unknown dtype 'F8'")
safetensors("st/missing-dtype.safetensors", {"w": {"shape": [2], "data_offsets": [0, 8]}}, b"\0" * 8, "tensor 'w': missing 'dtype'")
safetensors("st/negative-dim.safetensors", {"w": F32([-2, 2], 0, 16)}, b"\0" * 16, "tensor 'w': shape dimension 0 is not a non-negative integer")
safetensors("st/fractional-dim.safetensors", {"w": F32([2.5], 0, 10)}, b"\0" * 10, "shape dimension 0 is not a non-negative integer")
safetensors("st/shape-not-array.safetensors", {"w": {"dtype": "F32", "shape": 4, "data_offsets": [0, 16]}}, b"\0" * 16,
            "tensor 'w': missing 'shape' array")
safetensors("st/offsets-past-end.safetensors", {"w": F32([4], 0, 16)}, b"\0" * 8,
            "tensor 'w': data_offsets [0, 16] run past the end of the data area (8 bytes)")
safetensors("st/offsets-reversed.safetensors", {"w": F32([0], 8, 4)}, b"\0" * 8, "data_offsets [8, 4] are not an ordered pair")
safetensors("st/offsets-one-number.safetensors", {"w": {"dtype": "F32", "shape": [1], "data_offsets": [4]}}, b"\0" * 4,
            "'data_offsets' must be two integers")
safetensors("st/overlap.safetensors", {"a": F32([4], 0, 16), "b": F32([4], 8, 24)}, b"\0" * 24,
            "tensors 'a' and 'b' overlap in the data area")
safetensors("st/byte-count.safetensors", {"w": F32([2, 2], 0, 12)}, b"\0" * 12,
            "tensor 'w': shape 2×2 of F32 needs 16 bytes but data_offsets give 12")
safetensors("st/shape-overflow.safetensors", {"w": F32([2 ** 40, 2 ** 40], 0, 8)}, b"\0" * 8, "tensor 'w': shape 1099511627776×1099511627776 overflows")
# A header that claims 4 TB: refused by the offsets check, never allocated.
safetensors("st/huge-claim.safetensors", {"w": F32([1000000, 1000000], 0, 4000000000000)}, b"\0" * 8, "run past the end of the data area")
safetensors("st/metadata-not-strings.safetensors", {"__metadata__": {"format": 1}, "w": F32([1], 0, 4)}, b"\0" * 4,
            "__metadata__ must be an object of strings")
safetensors("st/duplicate.safetensors", None, b"\0" * 8,
            raw_header=b'{"w": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}, "w": {"dtype": "F32", "shape": [1], "data_offsets": [4, 8]}}',
            error="tensor 'w' appears twice in the header")
safetensors("st/entry-not-object.safetensors", {"w": 3}, b"", "tensor 'w': header entry is not an object")

# --- sharded safetensors ---
def index(name, weight_map, shards=None):
    directory = os.path.join(out, name)
    os.makedirs(directory, exist_ok=True)
    for file, header in (shards or {}).items():
        text = json.dumps(header).encode()
        write(os.path.join(name, file), struct.pack("<Q", len(text)) + text + b"\0" * 16)
    with open(os.path.join(directory, "model.safetensors.index.json"), "w") as f:
        json.dump(weight_map, f)


index("shard-no-map", {"metadata": {}})
case("shard-no-map/", "index has no 'weight_map' object", "model.safetensors.index.json")
index("shard-escape", {"weight_map": {"w": "../../etc/passwd"}})
case("shard-escape/", "weight_map entry 'w' is not a file name in the same directory", "model.safetensors.index.json")
index("shard-missing", {"weight_map": {"w": "model-00001-of-00002.safetensors"}})
case("shard-missing/", "shard named by model.safetensors.index.json is missing", "model-00001-of-00002.safetensors")
index("shard-lacks-tensor", {"weight_map": {"w": "a.safetensors", "v": "a.safetensors"}}, {"a.safetensors": {"w": F32([4], 0, 16)}})
case("shard-lacks-tensor/", "tensor 'v' is not in its shard a.safetensors", "model.safetensors.index.json")

# --- PyTorch checkpoints ---
def torch_file(name, obj=None, storages=(), pickle_bytes=None, error="", **kwargs):
    path = os.path.join(out, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tc.save(obj if obj is not None else {}, path, list(storages), data_pickle=pickle_bytes, **kwargs)
    case(name, error)


def globl(module, name, then=b")R."):
    return b"\x80\x02c" + module.encode() + b"\n" + name.encode() + b"\n" + then


torch_file("pt/os-system.bin", pickle_bytes=globl("os", "system", b"X\x02\x00\x00\x00lsR."),
           error="data.pkl asks for global 'os.system', which is refused")
torch_file("pt/eval.bin", pickle_bytes=globl("builtins", "eval"), error="global 'builtins.eval', which is refused")
torch_file("pt/stack-global-popen.bin", pickle_bytes=b"\x80\x04\x8c\nsubprocess\x8c\x05Popen\x93)R.",
           error="global 'subprocess.Popen', which is refused")
torch_file("pt/whole-model.bin", pickle_bytes=globl("transformers.models.bert.modeling_bert", "BertModel"),
           error="global 'transformers.models.bert.modeling_bert.BertModel', which is refused: only torch tensor rebuilding and OrderedDict are allowed (nothing in a checkpoint is executed); it pickles a whole model object: save model.state_dict() or safetensors instead")
torch_file("pt/getattr.bin", pickle_bytes=globl("builtins", "getattr"), error="global 'builtins.getattr', which is refused")
storage = tc.Storage("0", np.arange(6, dtype=np.float32))
torch_file("pt/compressed.bin", {"w": tc.Tensor(storage, 0, (6,), (1,))}, [storage], compress_data=True,
           error="zip entry 'archive/data/0' is compressed (method 8)")
torch_file("pt/missing-storage.bin", {"w": tc.Tensor(tc.Storage("99", np.zeros(2, np.float32)), 0, (2,), (1,))}, [],
           error="storage '99' is missing")
big = tc.Storage("0", np.zeros(4, np.float32))
buffer = io.BytesIO()
class LyingPickler(tc.Pickler):
    def persistent_id(self, obj):
        if isinstance(obj, tc.Storage):
            return ("storage", tc.torch.FloatStorage, obj.key, "cpu", 1000000)
        return None
LyingPickler(buffer, protocol=2).dump({"w": tc.Tensor(big, 0, (4,), (1,))})
torch_file("pt/storage-too-small.bin", pickle_bytes=buffer.getvalue(), storages=[big],
           error="storage '0' claims 1000000 f32 elements but holds 16 bytes")
torch_file("pt/stride-outside.bin", {"w": tc.Tensor(big, 1, (2,), (3,))}, [big],
           error="tensor 2 at offset 1 with stride [3] reaches element 4 of storage '0', which has 4")
torch_file("pt/zero-stride-bomb.bin", {"w": tc.Tensor(big, 0, (1000000, 1000000), (0, 0))}, [big],
           error="tensor 1000000×1000000 has 1000000000000 elements but its storage '0' holds 4")
torch_file("pt/deep-tuples.bin", pickle_bytes=b"\x80\x02N" + b"\x85" * 100000 + b".", error="tuples nested more than 1000 deep")
# Lists nested 100000 deep through the memo: refused, and torn down without recursion.
deep = bytearray(b"\x80\x02]r" + struct.pack("<I", 0))
for i in range(100000):
    deep += b"]j" + struct.pack("<I", i) + b"ar" + struct.pack("<I", i + 1) + b"0"
torch_file("pt/deep-lists.bin", pickle_bytes=bytes(deep + b"j" + struct.pack("<I", 100000) + b"."), error="nests containers too deeply")
torch_file("pt/bad-opcode.bin", pickle_bytes=b"\x80\x02i__main__\nX\n.", error="unsupported opcode 0x69")
torch_file("pt/truncated-pickle.bin", pickle_bytes=pickle.dumps({"a": 1}, protocol=2)[:-4], error="unexpected end of data")
torch_file("pt/memo-missing.bin", pickle_bytes=b"\x80\x02h\x05.", error="memo key 5 was never stored")
torch_file("pt/no-tensors.bin", {"epoch": 1}, error="checkpoint holds no tensors")
torch_file("pt/stack-underflow.bin", pickle_bytes=b"\x80\x02t.", error="no mark on the stack")
with zipfile.ZipFile(os.path.join(out, "pt/no-data-pkl.bin"), "w") as zf:
    zf.writestr("archive/data/0", b"\0" * 16)
case("pt/no-data-pkl.bin", "zip has no data.pkl")
good = open(os.path.join(out, "pt/no-tensors.bin"), "rb").read()
write("pt/truncated-zip.bin", good[: len(good) // 2]); case("pt/truncated-zip.bin", "no end-of-central-directory record")
write("pt/legacy.bin", b"\x80\x02\x8a\x0al\xfc\x9cF\xf9 j\xa8P\x19." + b"\0" * 32)
case("pt/legacy.bin", "legacy (non-zip) PyTorch checkpoint")

# --- HDF5 / Keras ---
os.makedirs(os.path.join(out, "h5"), exist_ok=True)
with h5py.File(os.path.join(out, "h5/no-weights.h5"), "w") as f:
    f.create_group("empty")
case("h5/no-weights.h5", "HDF5 file holds no weights")
with h5py.File(os.path.join(out, "h5/no-weight-names.h5"), "w") as f:
    f.attrs["layer_names"] = np.array([b"bert"])
    f.create_group("bert")
case("h5/no-weight-names.h5", "Keras layer 'bert' has no weight_names attribute")
with h5py.File(os.path.join(out, "h5/missing-dataset.h5"), "w") as f:
    f.attrs["layer_names"] = np.array([b"bert"])
    f.create_group("bert").attrs["weight_names"] = np.array([b"bert/dense/kernel:0"])
case("h5/missing-dataset.h5", "Keras weight 'bert/dense/kernel:0' of layer 'bert' has no dataset")
with h5py.File(os.path.join(out, "h5/text-weights.h5"), "w") as f:
    f["words"] = np.array([b"a", b"b"])
case("h5/text-weights.h5", "dataset 'words' holds fixed-length string, not numbers")
with h5py.File(os.path.join(out, "h5/unallocated-huge.h5"), "w") as f:
    f.create_dataset("w", shape=(1000000, 1000000), dtype="f4", chunks=(1000, 1000))
case("h5/unallocated-huge.h5", "dataset 'w' claims shape 1000000×1000000, far more than the file's")
write("h5/truncated.h5", b"\x89HDF\r\n\x1a\n" + b"\0" * 40); case("h5/truncated.h5", "cannot open")

# --- directories and other files ---
os.makedirs(os.path.join(out, "dir-empty"), exist_ok=True)
write("dir-empty/README.md", b"no weights here")
case("dir-empty/", "no weights found", "dir-empty")
os.makedirs(os.path.join(out, "dir-bad-config"), exist_ok=True)
from safetensors.numpy import save_file
save_file({"w": np.zeros(2, np.float32)}, os.path.join(out, "dir-bad-config", "model.safetensors"))
write("dir-bad-config/config.json", b'{"model_type": "bert",}')
case("dir-bad-config/", "invalid JSON at byte 22", "config.json")
case("does-not-exist.safetensors", "no such file or directory")

# --- GGUF: written byte by byte, so each file is broken in exactly one way ---
def gstr(text):
    data = text.encode() if isinstance(text, str) else text
    return struct.pack("<Q", len(data)) + data


def kv(key, type_id, payload):
    return gstr(key) + struct.pack("<I", type_id) + payload


ARCH = kv("general.architecture", 8, gstr("llama"))


def tinfo(name, dims, type_id=8, offset=0, ndims=None):
    return (gstr(name) + struct.pack("<I", len(dims) if ndims is None else ndims) + b"".join(struct.pack("<Q", d) for d in dims)
            + struct.pack("<IQ", type_id, offset))


def gguf(name, error, kvs=(ARCH,), tensors=(tinfo("w", [32, 2]),), data=b"\x00" * 68, version=3, counts=None,
         truncate=None, magic=b"GGUF"):
    n_tensors, n_kv = counts or (len(tensors), len(kvs))
    head = magic + struct.pack("<IQQ", version, n_tensors, n_kv) + b"".join(kvs) + b"".join(tensors)
    blob = head + b"\x00" * (-len(head) % 32) + data
    write(name, blob[:truncate] if truncate is not None else blob)
    case(name, error)


gguf("gguf/too-short.gguf", "too short for the 24-byte header", truncate=20)
gguf("gguf/bad-magic.gguf", "not a GGUF file (magic is not 'GGUF')", magic=b"GGML")
gguf("gguf/version-1.gguf", "GGUF version 1 is not supported (only 2 and 3) (GGUF v1 is obsolete)", version=1)
gguf("gguf/big-endian.gguf", "a big-endian file?", version=3 << 24)
gguf("gguf/truncated-metadata.gguf", "metadata 'general.architecture': string length 5", truncate=24 + 8 + 20 + 4 + 8 + 2)
gguf("gguf/lying-tensor-count.gguf", "tensor count 100 cannot fit in the 172 bytes left in the file", counts=(100, 1))
gguf("gguf/huge-tensor-count.gguf", "tensor count: 1000000000 is larger than the whole file (196 bytes)", counts=(10 ** 9, 1))
gguf("gguf/lying-kv-count.gguf", "metadata key/value count 50 cannot fit in the 172 bytes left in the file", counts=(1, 50))
gguf("gguf/key-past-end.gguf", "metadata key 0: string length 150 at offset 24 runs past the end of the file (132 bytes left)",
     kvs=(struct.pack("<Q", 150) + b"general",))
gguf("gguf/unknown-value-type.gguf", "metadata 'x' type: unknown value type id 13", kvs=(ARCH, kv("x", 13, b"")))
gguf("gguf/array-count-lies.gguf", "metadata 'x': 40 elements of UINT32 need 160 bytes, only 134 remain in the file",
     kvs=(ARCH, kv("x", 9, struct.pack("<IQ", 4, 40))))
gguf("gguf/string-array-past-end.gguf", "metadata 'x'[1] (string of 150 bytes): needs 150 bytes",
     kvs=(ARCH, kv("x", 9, struct.pack("<IQ", 8, 2) + gstr("a") + struct.pack("<Q", 150))))
deep = struct.pack("<IQ", 9, 1) * 9 + struct.pack("<IQ", 4, 0)
gguf("gguf/nested-too-deep.gguf", "arrays nested more than 8 deep", kvs=(ARCH, kv("x", 9, deep)))
gguf("gguf/bad-bool.gguf", "metadata 'x': bool byte is 2", kvs=(ARCH, kv("x", 7, b"\x02")))
gguf("gguf/duplicate-key.gguf", "metadata key 'general.architecture' appears twice", kvs=(ARCH, ARCH))
gguf("gguf/bad-alignment.gguf", "'general.alignment' must be a power of two stored as UINT32, found UINT32 24",
     kvs=(ARCH, kv("general.alignment", 4, struct.pack("<I", 24))))
gguf("gguf/unknown-tensor-type.gguf", "tensor 'w': unknown tensor type id 99", tensors=(tinfo("w", [32, 2], 99),))
gguf("gguf/five-dims.gguf", "tensor 'w': 5 dimensions (at most 4)", tensors=(tinfo("w", [32, 1, 1, 1, 2]),))
gguf("gguf/dims-overflow.gguf", "tensor 'w': dimensions", tensors=(tinfo("w", [2 ** 40, 2 ** 40], 0),))
gguf("gguf/partial-block.gguf", "Q8_0 needs rows that are a multiple of 32 elements, shape is 2×30", tensors=(tinfo("w", [30, 2]),))
gguf("gguf/offset-past-end.gguf", "tensor 'w': 68 bytes at offset 4096 run past the end of the data section (68 bytes)",
     tensors=(tinfo("w", [32, 2], offset=4096),))
gguf("gguf/misaligned-offset.gguf", "tensor 'w': offset 4 is not a multiple of the alignment 32", tensors=(tinfo("w", [32, 2], offset=4),))
gguf("gguf/truncated-data.gguf", "tensor 'w': 68 bytes at offset 0 run past the end of the data section (40 bytes)", data=b"\x00" * 40)
gguf("gguf/overlap.gguf", "tensors 'a' and 'b' overlap in the data section",
     tensors=(tinfo("a", [32, 2]), tinfo("b", [32, 2], offset=64)), data=b"\x00" * 160)
gguf("gguf/duplicate-tensor.gguf", "tensor 'w' appears twice", tensors=(tinfo("w", [32]), tinfo("w", [32], offset=64)), data=b"\x00" * 128)
gguf("gguf/iq-tensor.gguf", "tensor 'w' is stored as IQ2_XXS, which mvs does not dequantise", tensors=(tinfo("w", [256], 16),),
     data=b"\x00" * 66)
gguf("gguf/odd-head-rows.gguf", "tensor 'blk.0.attn_q.weight': 3 rows cannot be split into 2 heads of even width",
     kvs=(ARCH, kv("llama.attention.head_count", 4, struct.pack("<I", 2))), tensors=(tinfo("blk.0.attn_q.weight", [32, 3]),),
     data=b"\x00" * 102)

# --- ONNX: protobuf written by hand (the onnx package refuses to build most of these) ---
def pvarint(n):
    n &= (1 << 64) - 1
    out = bytearray()
    while True:
        out.append((n & 0x7F) | (0x80 if n > 0x7F else 0))
        n >>= 7
        if not n:
            return bytes(out)


def pfield(number, value, wire=None):
    """One field: an int as a varint, bytes/str length-delimited (or `wire` given explicitly with raw bytes)."""
    if wire is not None:
        return pvarint(number << 3 | wire) + value
    if isinstance(value, int):
        return pvarint(number << 3) + pvarint(value)
    data = value.encode() if isinstance(value, str) else value
    return pvarint(number << 3 | 2) + pvarint(len(data)) + data


def ptensor(name, dims, data_type=1, raw=None, extra=b""):
    body = b"".join(pfield(1, d) for d in dims) + pfield(2, data_type) + pfield(8, name)
    return body + (pfield(9, raw) if raw is not None else b"") + extra


def pnode(name, op, inputs, attributes=b""):
    return b"".join(pfield(1, i) for i in inputs) + pfield(3, name) + pfield(4, op) + attributes


def pmodel(initializers=(), nodes=(), graph_extra=b""):
    graph = b"".join(pfield(1, n) for n in nodes) + pfield(2, "g") + b"".join(pfield(5, t) for t in initializers) + graph_extra
    return pfield(1, 8) + pfield(2, "pytorch") + pfield(8, pfield(2, 17)) + pfield(7, graph)


def onnx_case(name, data, error, names=None):
    write(name, data)
    case(name, error, names)


W = ptensor("w", [2, 3], raw=b"\0" * 24)
good = pmodel([W])
onnx_case("onnx/truncated-varint.onnx", good[:1] + b"\x88", "ir_version (field 1): truncated varint at offset 1: the message ends at offset 2")
onnx_case("onnx/varint-overflow.onnx", pvarint(1 << 3) + b"\xff" * 9 + b"\x7f", "ir_version (field 1): varint at offset 1 overflows 64 bits")
onnx_case("onnx/length-past-end.onnx", pfield(1, 8) + pvarint(7 << 3 | 2) + pvarint(1000) + b"\0" * 10,
          "graph (field 7): length 1000 at offset 5 runs past the end of the message (10 bytes left)")
onnx_case("onnx/truncated-data.onnx", good[:-5], "graph (field 7): length")
onnx_case("onnx/no-graph.onnx", pfield(1, 8) + pfield(2, "pytorch"), "not an ONNX model: no graph (field 7)")
onnx_case("onnx/group-wire-type.onnx", pfield(1, 8) + pvarint(4 << 3 | 3), "field 4 at offset 2 has wire type 3, which is a (deprecated) group")
onnx_case("onnx/raw-size-mismatch.onnx", pmodel([ptensor("w", [2, 3], raw=b"\0" * 20)]),
          "graph.initializer 0 'w': dims 2×3 of FLOAT need 24 bytes, raw_data holds 20", "'w'")
onnx_case("onnx/float-data-count.onnx", pmodel([ptensor("w", [2, 3], extra=pfield(4, b"\0" * 20))]),
          "graph.initializer 0 'w': dims 2×3 need 6 values, float_data holds 5", "'w'")
onnx_case("onnx/float-data-ragged.onnx", pmodel([ptensor("w", [2], extra=pfield(4, b"\0" * 7))]),
          "float_data: packed run of 7 bytes is not a whole number of 4-byte values", "'w'")
onnx_case("onnx/raw-and-typed.onnx", pmodel([ptensor("w", [1], raw=b"\0" * 4, extra=pfield(4, b"\0" * 4))]),
          "holds both raw_data and typed data (field 4)", "'w'")
onnx_case("onnx/wrong-typed-field.onnx", pmodel([ptensor("w", [1], extra=pfield(7, b"\x01"))]),
          "FLOAT data belongs in float_data (field 4), found field 7", "'w'")
onnx_case("onnx/no-data.onnx", pmodel([ptensor("w", [3])]), "dims 3 need 3 values, float_data holds 0", "'w'")
onnx_case("onnx/negative-dim.onnx", pmodel([ptensor("w", [-1], raw=b"")]), "dims holds the negative dimension -1", "'w'")
onnx_case("onnx/dims-overflow.onnx", pmodel([ptensor("w", [2 ** 40, 2 ** 40], raw=b"")]), "overflow or have a dimension above", "'w'")
onnx_case("onnx/unknown-type.onnx", pmodel([ptensor("w", [1], data_type=99, raw=b"\0")]), "data_type 99 is not an ONNX tensor type", "'w'")
onnx_case("onnx/wrong-wire-type.onnx", pmodel([pfield(2, b"\x01") + pfield(8, "w")]),
          "data_type (field 2) has wire type 2, expected 0", "'w'")
onnx_case("onnx/int8.onnx", pmodel([W, ptensor("q", [4], data_type=3, raw=b"\0" * 4)]),
          "graph.initializer 1 'q': stored as INT8, a quantised type", "'q'")
onnx_case("onnx/string.onnx", pmodel([ptensor("s", [1], data_type=8, extra=pfield(6, "a"))]),
          "'s': stored as STRING, which mvs does not read", "'s'")
external = pfield(13, pfield(1, "location") + pfield(2, "weights.bin")) + pfield(14, 1)
onnx_case("onnx/external-data.onnx", pmodel([ptensor("e", [1024], extra=external)]),
          "'e': the data is stored in an external file ('weights.bin'), which mvs does not read", "'e'")
onnx_case("onnx/duplicate-initializer.onnx", pmodel([W, W]), "two initializers are named 'w'", "'w'")
onnx_case("onnx/sparse.onnx", pmodel([W], graph_extra=pfield(15, b"")), "sparse initializers (field 15) are not supported")
onnx_case("onnx/segment.onnx", pmodel([ptensor("w", [1], raw=b"\0" * 4, extra=pfield(3, b""))]),
          "'w': segmented tensors (field 3, segment) are not supported", "'w'")
# If-node bodies nested 40 deep: graph -> node -> attribute g -> graph -> ...
nested = pfield(2, "body")
for _ in range(40):
    nested = pfield(2, "body") + pfield(1, pnode("if", "If", ["c"], pfield(5, pfield(1, "then_branch") + pfield(6, nested))))
onnx_case("onnx/deep-nesting.onnx", pmodel([W], nodes=[pnode("if", "If", ["c"], pfield(5, pfield(1, "then_branch") + pfield(6, nested)))]),
          "graphs nested more than 32 deep in node attributes")
onnx_case("onnx/bad-node.onnx", pmodel([W], nodes=[pfield(3, b"n") + pvarint(4 << 3 | 2) + pvarint(50)]),
          "graph.node 0: field 4: length 50")

json.dump(manifest, sys.stdout)
