"""Writes small ONNX files with the real `onnx` package, laid out as PyTorch's exporter lays them out, and prints
as JSON what each initializer must read as: {file: {"tensors": {mvs name: {"shape", "values"}}, "canonical": {…}}}.

Usage: onnx_models.py OUTPUT_DIR
- bert.onnx: a 2-layer BERT under `model.0.auto_model.` (a sentence-transformers export): anonymous MatMul
  weights (`onnx::MatMul_N`) named by their nodes, data in raw_data and in every typed field
  (float_data, int32_data holding FLOAT16 and BFLOAT16 bits, double_data, int64_data), FLOAT16 raw_data.
- dinov2.onnx: a 2-layer DINOv2 under `backbone.` with its position embeddings split by the export.
Values are onnx.numpy_helper's readings; names and canonical matrices are written here from the rules in
docs/onnx.md, independently of mvs.
"""
import json
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

D, FF, V, L = 8, 16, 20, 2
rng = np.random.default_rng(11)
out = sys.argv[1]
result = {}


def r(*shape):
    return rng.standard_normal(shape).astype(np.float32)


def typed(name, array, data_type):
    """A TensorProto whose values sit in the typed field for data_type, not in raw_data."""
    t = TensorProto(name=name, data_type=data_type, dims=list(array.shape))
    flat = array.reshape(-1)
    if data_type == TensorProto.FLOAT:
        t.float_data.extend(flat.tolist())
    elif data_type == TensorProto.DOUBLE:
        t.double_data.extend(flat.astype(np.float64).tolist())
    elif data_type == TensorProto.INT64:
        t.int64_data.extend(flat.astype(np.int64).tolist())
    elif data_type == TensorProto.FLOAT16:
        t.int32_data.extend(flat.astype(np.float16).view(np.uint16).astype(np.int32).tolist())
    elif data_type == TensorProto.BFLOAT16:
        t.int32_data.extend((flat.astype(np.float32).view(np.uint32) >> 16).astype(np.int32).tolist())
    return t


def write(file, initializers, nodes, expected_names, canonical):
    graph = helper.make_graph(nodes, "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, None)],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)], initializer=initializers)
    model = helper.make_model(graph, producer_name="pytorch", producer_version="2.7.0",
                              opset_imports=[helper.make_opsetid("", 17)])
    onnx.save(model, os.path.join(out, file))
    tensors = {}
    for t in onnx.load(os.path.join(out, file)).graph.initializer:
        array = numpy_helper.to_array(t)
        if t.data_type == TensorProto.BFLOAT16:  # numpy_helper returns the raw bits for bfloat16 in some versions
            array = np.asarray(array)
            if array.dtype == np.uint16:
                array = (array.astype(np.uint32) << 16).view(np.float32)
        tensors[expected_names.get(t.name, t.name)] = {"shape": list(array.shape),
                                                       "values": array.astype(np.float32).reshape(-1).tolist()}
    result[file] = {"tensors": tensors,
                    "canonical": {k: {"shape": list(v.shape), "values": v.reshape(-1).tolist()} for k, v in canonical.items()}}


def node(op, name, inputs, output):
    return helper.make_node(op, inputs, [output], name=name)


# --- BERT exported through sentence-transformers ---
scope = "/model/model.0/auto_model"
prefix = "model.0.auto_model."
inits, nodes, names, canonical = [], [], {}, {}
embed = r(V, D)
inits.append(typed(prefix + "embeddings.word_embeddings.weight", embed, TensorProto.FLOAT))  # float_data
canonical["embed"] = embed
inits.append(numpy_helper.from_array(r(16, D).astype(np.float16), prefix + "embeddings.position_embeddings.weight"))
inits.append(typed(prefix + "embeddings.token_type_embeddings.weight", r(2, D), TensorProto.FLOAT16))
inits.append(typed(prefix + "embeddings.LayerNorm.weight", r(D), TensorProto.BFLOAT16))
inits.append(typed(prefix + "embeddings.LayerNorm.bias", r(D), TensorProto.DOUBLE))
inits.append(typed(prefix + "embeddings.position_ids", np.arange(16).reshape(1, 16), TensorProto.INT64))
counter = 400
parts = {"q": "attention/self/query", "k": "attention/self/key", "v": "attention/self/value",
         "o": "attention/output/dense", "ff1": "intermediate/dense", "ff2": "output/dense"}
for layer in range(L):
    for component, path in parts.items():
        rows, cols = (FF, D) if component == "ff2" else (D, FF) if component == "ff1" else (D, D)
        linear = r(cols, rows)  # a PyTorch Linear weight, out × in; the export stores its transpose
        anonymous = f"onnx::MatMul_{counter}"
        counter += 1
        inits.append(numpy_helper.from_array(np.ascontiguousarray(linear.T), anonymous))
        node_name = f"{scope}/encoder/layer.{layer}/{path}/MatMul"
        nodes.append(node("MatMul", node_name, ["x", anonymous], f"mm{counter}"))
        names[anonymous] = node_name
        canonical[f"layer.{layer}.{component}"] = linear.T
        bias = prefix + f"encoder.layer.{layer}.{path.replace('/', '.')}.bias"
        inits.append(numpy_helper.from_array(r(cols), bias))
        nodes.append(node("Add", f"{scope}/encoder/layer.{layer}/{path}/Add", [bias, f"mm{counter}"], f"add{counter}"))
# An anonymous initializer that is not a MatMul weight is named by its node and input index.
inits.append(numpy_helper.from_array(r(1, D), "onnx::Add_999"))
nodes.append(node("Add", f"{scope}/pooler/Add", ["x", "onnx::Add_999"], "pooled"))
names["onnx::Add_999"] = f"{scope}/pooler/Add:1"
# One consumed by an unnamed node keeps its own name.
inits.append(numpy_helper.from_array(r(2), "onnx::Mul_5"))
nodes.append(helper.make_node("Mul", ["x", "onnx::Mul_5"], ["m5"]))
write("bert.onnx", inits, nodes, names, canonical)

# --- DINOv2 under backbone. ---
scope, prefix = "/backbone", "backbone."
inits, nodes, names, canonical = [], [], {}, {}
patch = r(D, 3, 2, 2)
cls = r(1, 1, D)
pos_cls, pos_patch = r(1, 1, D), r(1, 4, D)
inits += [numpy_helper.from_array(patch, prefix + "embeddings.patch_embeddings.projection.weight"),
          numpy_helper.from_array(r(D), prefix + "embeddings.patch_embeddings.projection.bias"),
          numpy_helper.from_array(cls, prefix + "embeddings.cls_token"),
          numpy_helper.from_array(pos_cls, "onnx::Concat_57"), numpy_helper.from_array(pos_patch, "onnx::Reshape_62")]
nodes += [node("Conv", f"{scope}/embeddings/patch_embeddings/projection/Conv",
               ["x", prefix + "embeddings.patch_embeddings.projection.weight", prefix + "embeddings.patch_embeddings.projection.bias"], "p"),
          node("Concat", f"{scope}/embeddings/Concat_6", ["onnx::Concat_57", "p"], "c6"),
          node("Reshape", f"{scope}/embeddings/Reshape_1", ["onnx::Reshape_62", "p"], "r1")]
names["onnx::Concat_57"] = f"{scope}/embeddings/Concat_6:0"
names["onnx::Reshape_62"] = f"{scope}/embeddings/Reshape_1:0"
canonical.update(patch=patch, cls=cls, pos_cls=pos_cls, pos_patch=pos_patch)
parts = {"q": "attention/attention/query", "k": "attention/attention/key", "v": "attention/attention/value",
         "o": "attention/output/dense", "ff1": "mlp/fc1", "ff2": "mlp/fc2"}
for layer in range(L):
    for norm in ("norm1", "norm2"):
        inits.append(numpy_helper.from_array(r(D), prefix + f"encoder.layer.{layer}.{norm}.weight"))
    for scale in ("layer_scale1", "layer_scale2"):
        inits.append(numpy_helper.from_array(r(D), prefix + f"encoder.layer.{layer}.{scale}.lambda1"))
    for component, path in parts.items():
        rows, cols = (FF, D) if component == "ff2" else (D, FF) if component == "ff1" else (D, D)
        stored = r(rows, cols)
        anonymous = f"onnx::MatMul_{counter}"
        counter += 1
        inits.append(numpy_helper.from_array(stored, anonymous))
        node_name = f"{scope}/encoder/layer.{layer}/{path}/MatMul"
        nodes.append(node("MatMul", node_name, ["x", anonymous], f"mm{counter}"))
        names[anonymous] = node_name
        canonical[f"layer.{layer}.{component}"] = stored
final = r(D)
inits.append(numpy_helper.from_array(final, prefix + "layernorm.weight"))
canonical["final_norm"] = final
write("dinov2.onnx", inits, nodes, names, canonical)

json.dump(result, sys.stdout)
