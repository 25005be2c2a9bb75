"""Peer for the ONNX job: the `onnx` package (onnx.load, numpy_helper) + numpy.

Usage: peer_onnx.py load FILE   (what mvs_onnx_load.mvs does: open the model, the norm of layer 0's query weight).
"""
import sys

import numpy as np
import onnx
from onnx import numpy_helper

job, path = sys.argv[1], sys.argv[2]
model = onnx.load(path)
if job == "load":
    # Layer 0's query weight: the initializer a MatMul in layer 0's query scope takes as its second input.
    node = next(n for n in model.graph.node if n.op_type == "MatMul" and "layer.0/attention" in n.name and "/query/" in n.name)
    weight = next(t for t in model.graph.initializer if t.name == node.input[1])
    print(float(np.linalg.norm(numpy_helper.to_array(weight))))
