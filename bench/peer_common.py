"""Shared helpers for the Python peer scripts: what a competent researcher would write today."""
import json
import os
import re

from safetensors.numpy import load_file

# numpy's BLAS threads = core count (set before numpy is imported by the peers).
os.environ.setdefault("OPENBLAS_NUM_THREADS", str(os.cpu_count()))

CANONICAL = re.compile(r"encoder\.layer\.(\d+)\.(attention\.self\.query|attention\.self\.key|attention\.self\.value|"
                       r"attention\.output\.dense|intermediate\.dense|output\.dense)\.weight$")
COMPONENT = {"attention.self.query": "q", "attention.self.key": "k", "attention.self.value": "v",
             "attention.output.dense": "o", "intermediate.dense": "ff1", "output.dense": "ff2"}


def load(path):
    """All tensors of a model directory or file (safetensors, as numpy arrays)."""
    if os.path.isdir(path):
        path = os.path.join(path, "model.safetensors")
    return load_file(path)


def canonical(tensors):
    """(layer, component, matrix in x·W orientation) for each canonical matrix, in order."""
    out = []
    for name, value in tensors.items():
        m = CANONICAL.search(name)
        if m:
            out.append((int(m.group(1)), COMPONENT[m.group(2)], value.T))
    order = ["q", "k", "v", "o", "ff1", "ff2"]
    return sorted(out, key=lambda item: (item[0], order.index(item[1])))


def rank_measures(w):
    """Numerical rank (numpy's default tolerance), effective rank and stable rank from the singular values."""
    import numpy as np
    s = np.linalg.svd(w, compute_uv=False)
    tol = s.max() * max(w.shape) * np.finfo(np.float32).eps
    p = s / s.sum()
    return int((s > tol).sum()), float(np.exp(-(p * np.log(p)).sum())), float((s ** 2).sum() / s.max() ** 2)


def vocabulary(path):
    with open(os.path.join(path, "vocab.txt"), encoding="utf-8") as f:
        return [line.rstrip("\n") for line in f]


def manifest(path):
    import csv
    folder = os.path.dirname(path)
    with open(path, newline="") as f:
        return [(os.path.join(folder, row["path"]), row["name"], row.get("label")) for row in csv.DictReader(f)]
