"""Shared pieces of the sharded-study tests: a synthetic zoo, a single-process reference, independent numpy values."""
import subprocess
import sys

import h5py
import numpy as np
from safetensors.numpy import load_file

from conftest import REPO, run_mvs

NAMES = {"attention.self.query": "q", "attention.self.key": "k", "attention.self.value": "v",
         "attention.output.dense": "o", "intermediate.dense": "ff1", "output.dense": "ff2"}


def make_zoo(folder, tasks=4, per_task=3, synthetic="2x32"):
    """scripts/make-zoo: tasks × per_task synthetic fine-tunes of a random tiny BERT in folder/base."""
    subprocess.check_call([sys.executable, str(REPO / "scripts" / "make-zoo"), "--synthetic", synthetic, "--out", str(folder),
                           "--tasks", str(tasks), "--per-task", str(per_task)], stdout=subprocess.DEVNULL)
    return folder


def single_process(zoo, out):
    """The same study in one mvs process, with the ordinary verbs: the result a merged study must equal."""
    run_mvs("-c", f'''
zoo = models("{zoo}/manifest.csv")
base = load("{zoo}/base")
ranks = []
for m in zoo {{ ranks = ranks + [rank(m - base, spectra=true)] }}
export("{out}", sketch=vectorize(zoo, base=base), profile_rel=vectorize(zoo, base=base, stat="rel"),
       similarity=similarity(zoo, base=base), ranks=ranks)
''')
    return out


def text(values):
    return [x.decode() if isinstance(x, bytes) else x for x in values]


def numpy_gram(zoo):
    """Σ over canonical matrices of ⟨ΔW_i, ΔW_j⟩ in float64, read with safetensors: independent of mvs."""
    names = [line.split(",")[1] for line in (zoo / "manifest.csv").read_text().splitlines()[1:]]
    base = load_file(str(zoo / "base" / "model.safetensors"))
    keys = [k for k in base if k.startswith("encoder.layer.") and k.endswith(".weight")
            and any(f".{raw}.weight" in k for raw in NAMES)]
    deltas = []
    for name in names:
        ft = load_file(str(zoo / name / "model.safetensors"))
        deltas.append(np.concatenate([(ft[k].astype(np.float64) - base[k].astype(np.float64)).ravel() for k in keys]))
    d = np.stack(deltas)
    return d @ d.T, names


def assert_matches_single_process(merged_path, reference_path, zoo):
    """Vectors and rank tables bit for bit, spectra too; the Gram against numpy and the cosines against one process."""
    with h5py.File(merged_path, "r") as merged, h5py.File(reference_path, "r") as reference:
        for name in ["sketch", "profile_rel"]:
            assert np.array_equal(merged[f"{name}/matrix"][()], reference[f"{name}/matrix"][()]), name
            assert text(merged[f"{name}/names"][()]) == text(reference[f"{name}/names"][()])
        assert text(merged["sketch/labels"][()]) == text(reference["sketch/labels"][()])
        names = text(reference["sketch/names"][()])
        rank = merged["rank"]
        columns = list(rank.attrs["columns"])
        assert columns[0] == "model"
        parts = [reference[f"ranks/{i}"] for i in range(len(names))]
        assert text(rank["model"][()]) == [n for n, p in zip(names, parts) for _ in range(p["layer"].shape[0])]
        for column in columns[1:]:
            expected = np.concatenate([p[column][()] for p in parts])
            got = rank[column][()]
            assert got.dtype == expected.dtype and np.array_equal(got, expected), column
        for key in merged["spectra"]:
            expected = np.stack([p[f"attachments/{key}"][()] for p in parts])
            assert np.array_equal(merged[f"spectra/{key}"][()], expected), key
        gram, gram_names = numpy_gram(zoo)
        assert gram_names == names
        got = merged["gram"][()]
        assert np.abs(got - gram).max() <= 1e-5 * np.abs(gram).max()
        one = reference["similarity/matrix"][()]
        assert np.abs(merged["similarity/matrix"][()] - one).max() <= 1e-6 * np.abs(one).max()
        cosine = gram / np.sqrt(np.outer(np.diag(gram), np.diag(gram)))
        assert np.abs(merged["similarity/matrix"][()] - cosine).max() <= 1e-5
