"""docs/cookbook.md end to end: its mvs blocks through the real binary, then its Python block (h5py + pandas)
on the file they wrote, with the printed output as the cookbook shows it; and the numbers behind the
cookbook recomputed with numpy from the fixture zoo's safetensors (not from mvs)."""
import re
import subprocess
import sys

import h5py
import numpy as np
from safetensors.numpy import load_file

from conftest import REPO, run_mvs

COOKBOOK = (REPO / "docs" / "cookbook.md").read_text()
ZOO = REPO / "Tests" / "Fixtures" / "zoo"
NAMES = {"q": "attention.self.query", "k": "attention.self.key", "v": "attention.self.value",
         "o": "attention.output.dense", "ff1": "intermediate.dense", "ff2": "output.dense"}


def blocks(language):
    return re.findall(r"```" + language + r"\n(.*?)```", COOKBOOK, re.S)


def erank(matrix):
    s = np.linalg.svd(matrix.astype(np.float64), compute_uv=False)
    if s.sum() == 0:
        return 0.0
    p = s / s.sum()
    p = p[p > 0]
    return float(np.exp(-(p * np.log(p)).sum()))


def test_cookbook_runs_and_its_numbers_match_numpy():
    (REPO / "out").mkdir(exist_ok=True)
    run_mvs("-", stdin="\n".join(blocks("mvs")), cwd=REPO)
    python = blocks("python")[0]
    shown = COOKBOOK.split(python, 1)[1].split("```text\n", 1)[1].split("```", 1)[0]
    result = subprocess.run([sys.executable, "-c", python], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout == shown

    base = load_file(str(ZOO / "base" / "model.safetensors"))
    manifest = [line.split(",") for line in (ZOO / "manifest.csv").read_text().split("\n")[1:] if line]
    deltas = {name: {key: value - base[key] for key, value in load_file(str(ZOO / path / "model.safetensors")).items() if key in base}
              for path, name, _ in manifest}
    tasks = {name: label for _, name, label in manifest}
    with h5py.File(REPO / "out" / "cookbook.h5") as f:
        g = f["by_task"]
        rows = zip(g["task"].asstr()[()], g["layer"][()], g["component"].asstr()[()], g["erank"][()])
        for task, layer, component, value in rows:
            key = f"encoder.layer.{layer}.{NAMES[component]}.weight"
            expected = np.mean([erank(deltas[name][key]) for name in deltas if tasks[name] == task])
            assert abs(value - expected) < 1e-3 * max(1, expected), (task, layer, component)
        labels = f["clusters/labels"][()]
        assert len(set(labels[:3])) == 1 and len(set(labels[3:])) == 1 and labels[0] != labels[3]
    # Section 3: the two layers each task moved most, by summed Frobenius norm of the update.
    for task in ("sentiment", "topic"):
        totals = {layer: sum(np.linalg.norm(deltas[name][f"encoder.layer.{layer}.{NAMES[c]}.weight"])
                             for name in deltas if tasks[name] == task for c in NAMES) for layer in range(4)}
        top = sorted(totals, key=lambda layer: -totals[layer])[:2]
        assert f"{task} {top}" in COOKBOOK
    # Section 4: the three rows of sentiment-0's layer.0.ff1 update with the largest norms (canonical d_model × d_ff,
    # the transpose of PyTorch's intermediate.dense.weight).
    d = deltas["sentiment-0"]["encoder.layer.0.intermediate.dense.weight"].T.astype(np.float64)
    norms = np.linalg.norm(d, axis=1)
    assert f"{[int(i) for i in np.argsort(-norms, kind='stable')[:3]]} {round(float(norms.mean()), 3)}" in COOKBOOK
    assert f"[{int((norms > norms.mean()).sum())}, {d.shape[1]}]" in COOKBOOK
