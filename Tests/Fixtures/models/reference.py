"""Independent reference readings for mvs's model tests: canonical matrices computed with numpy.

Each canonical matrix is summarised as its shape, float64 sum and norm, and a few sampled elements;
the Swift tests compare mvs's canonical tensors with these numbers.
"""
import json
import sys

import numpy as np


def stats(matrix):
    """Shape, sum, Frobenius norm and four sampled elements (row, column, value) of a 2-D array."""
    m = np.asarray(matrix, dtype=np.float64)
    if m.ndim == 1:
        m = m[None, :]
    rows, cols = m.shape
    picks = sorted({(0, 0), (rows - 1, cols - 1), (rows // 2, cols // 3), (rows // 3, cols - 1), (rows - 1, 0)})
    return {
        "shape": list(matrix.shape),
        "sum": float(m.sum()),
        "norm": float(np.sqrt((m * m).sum())),
        "samples": [[int(r), int(c), float(m[r, c])] for r, c in picks],
    }


def bert_canonical(get, prefix, layers, keras=False):
    """BERT's canonical matrices from a getter of raw arrays; PyTorch Linear is out × in (transposed),
    Keras kernels are in × out (as stored)."""
    t = (lambda a: a) if keras else (lambda a: a.T)
    sep = "/" if keras else "."
    weight = "kernel:0" if keras else "weight"
    layer = (lambda i: f"{prefix}encoder/layer_._{i}") if keras else (lambda i: f"{prefix}encoder.layer.{i}")
    embed_name = f"{prefix}embeddings/word_embeddings/weight:0" if keras else f"{prefix}embeddings.word_embeddings.weight"
    out = {"embed": get(embed_name)}
    parts = {"q": "attention.self.query", "k": "attention.self.key", "v": "attention.self.value",
             "o": "attention.output.dense", "ff1": "intermediate.dense", "ff2": "output.dense"}
    for i in range(layers):
        for component, raw in parts.items():
            name = layer(i) + sep + raw.replace(".", sep) + sep + weight
            out[f"layer.{i}.{component}"] = t(get(name))
    return out


def dump(canonical):
    """Prints {name: stats} as JSON."""
    json.dump({name: stats(np.asarray(value)) for name, value in canonical.items()}, sys.stdout)


if __name__ == "__main__":
    kind, path = sys.argv[1], sys.argv[2]
    if kind == "safetensors-bert":
        from safetensors.numpy import load_file
        tensors = load_file(path)
        prefix = "bert." if "bert.embeddings.word_embeddings.weight" in tensors else ""
        layers = len({k.split(".")[len(prefix.split(".")) + 1] for k in tensors if k.startswith(prefix + "encoder.layer.")})
        dump(bert_canonical(tensors.__getitem__, prefix, layers))
    elif kind == "keras-bert":
        import h5py
        with h5py.File(path, "r") as f:
            names = [n.decode() if isinstance(n, bytes) else n for n in f["bert"].attrs["weight_names"]]
            scope = names[0].split("/")[0] + "/bert/"
            layers = len({n.split("/")[3] for n in names if "/encoder/layer_._" in n})
            dump(bert_canonical(lambda name: f["bert"][name][()], scope, layers, keras=True))
    else:
        raise SystemExit(f"unknown kind {kind}")
