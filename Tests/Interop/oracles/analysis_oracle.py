"""numpy reference computations for the Swift analysis tests (rank, delta, project, align).

Usage: analysis_oracle.py COMMAND MODEL_DIR OUT_DIR. Writes the tensors a Swift test needs as raw
float32 files into OUT_DIR and prints a JSON manifest with numpy's answers on stdout.
"""
import json
import pathlib
import sys

import numpy as np
from safetensors.numpy import load_file

COMPONENTS = {
    "q": "attention.self.query", "k": "attention.self.key", "v": "attention.self.value",
    "o": "attention.output.dense", "ff1": "intermediate.dense", "ff2": "output.dense",
}


def measures(w, p=0.9):
    """The rank measures of a float32 matrix, from numpy's singular values (float32 LAPACK)."""
    s = np.linalg.svd(w, compute_uv=False)
    s64 = s.astype(np.float64)
    total = s64.sum()
    prob = s64[s64 > 0] / total
    squares = np.cumsum(s64 ** 2)
    return {
        "rank": int(np.linalg.matrix_rank(w)),
        "erank": float(np.exp(-(prob * np.log(prob)).sum())),
        "srank": float(squares[-1] / s64[0] ** 2),
        "energy": int(np.searchsorted(squares, p * squares[-1]) + 1),
        "sigma_max": float(s64[0]),
        "fro": float(np.linalg.norm(w.astype(np.float64))),
    }


def write(out, name, array):
    path = out / (name + ".f32")
    np.ascontiguousarray(array, dtype="<f4").tofile(path)
    return {"name": name, "file": str(path), "shape": list(array.shape)}


def rank(model_dir, out):
    """MiniLM's layer matrices, a synthetic fine-tune (base + a rank-4 update per matrix) and numpy's measures."""
    tensors = load_file(str(model_dir / "model.safetensors"))
    rng = np.random.default_rng(0)
    base, ft, rows = [], [], []
    embed = "embeddings.word_embeddings.weight"
    # A slice of the embedding is enough for the architecture to be recognised; rank skips `embed`.
    base.append(write(out, "base." + embed, tensors[embed][:64]))
    ft.append(write(out, "ft." + embed, tensors[embed][:64]))
    for layer in range(6):
        for component, raw in COMPONENTS.items():
            name = f"encoder.layer.{layer}.{raw}.weight"
            w = tensors[name].astype(np.float32)
            update = (rng.standard_normal((w.shape[0], 4)) @ rng.standard_normal((4, w.shape[1]))) * 0.01
            tuned = (w + update).astype(np.float32)
            base.append(write(out, "base." + name, w))
            ft.append(write(out, "ft." + name, tuned))
            rows.append({"layer": layer, "component": component,
                         "base": measures(w), "delta": measures((tuned - w).astype(np.float32))})
    return {"base": base, "ft": ft, "rows": rows}


def top(scores, k=10, bottom=False):
    """Top-k (or bottom-k) indices by argpartition, then sorted, like the paper's notebooks."""
    s = -scores if bottom else scores
    part = np.argpartition(-s, k)[:k]
    order = part[np.argsort(-s[part], kind="stable")]
    return [int(i) for i in order], [float(scores[i]) for i in order]


def project(model_dir, out):
    """Top-10 tokens of sampled FF values (ff2 rows) and keys (ff1 columns), and head pairs at vocab_limit=2000."""
    tensors = load_file(str(model_dir / "model.safetensors"))
    e = tensors["embeddings.word_embeddings.weight"]
    vectors = []
    for layer in range(6):
        ff2 = tensors[f"encoder.layer.{layer}.output.dense.weight"].T  # canonical d_ff x d: rows are values
        ff1 = tensors[f"encoder.layer.{layer}.intermediate.dense.weight"].T  # canonical d x d_ff: columns are keys
        for index in (0, 17, 700, 1535):
            for component, v in (("ff2", ff2[index]), ("ff1", ff1[:, index])):
                ids, scores = top(e @ v)
                low_ids, low_scores = top(e @ v, bottom=True)
                vectors.append({"layer": layer, "component": component, "index": index, "ids": ids, "scores": scores,
                                "bottom_ids": low_ids, "bottom_scores": low_scores})
    heads = []
    e2 = e[:2000].astype(np.float64)
    for layer, head in ((2, 3), (5, 11)):
        q = tensors[f"encoder.layer.{layer}.attention.self.query.weight"].T
        k = tensors[f"encoder.layer.{layer}.attention.self.key.weight"].T
        v = tensors[f"encoder.layer.{layer}.attention.self.value.weight"].T
        o = tensors[f"encoder.layer.{layer}.attention.output.dense.weight"].T
        cols = slice(head * 32, (head + 1) * 32)
        for circuit, w in (("vo", v[:, cols] @ o[cols, :]), ("qk", q[:, cols] @ k[:, cols].T)):
            full = e2 @ w.astype(np.float64) @ e2.T  # brute force: the whole 2000 x 2000 matrix
            ids, scores = top(full.ravel())
            heads.append({"layer": layer, "head": head, "circuit": circuit,
                          "pairs": [[i // 2000, i % 2000] for i in ids], "scores": scores})
    return {"vectors": vectors, "heads": heads}


if __name__ == "__main__":
    command, model_dir, out_dir = sys.argv[1], pathlib.Path(sys.argv[2]), pathlib.Path(sys.argv[3])
    print(json.dumps({"rank": rank, "project": project}[command](model_dir, out_dir)))
