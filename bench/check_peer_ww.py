"""Manual check (not part of the test suite): bench/peer_ww.py against the real weightwatcher package.

weightwatcher 0.7.7 imports torch to read safetensors but computes everything with numpy/scipy; a stub
`torch` module and a state dict of numpy arrays let it run without the 3 GB torch install. Needs a separate
venv with weightwatcher==0.7.7 (--no-deps), powerlaw, pandas, matplotlib, scikit-learn, safetensors.

Usage: check_peer_ww.py MODEL_DIR   (prints the largest relative differences per metric; a few minutes)
"""
import math
import os
import sys
import types

torch = types.ModuleType("torch")
torch.__version__ = "absent"
torch.Tensor = type("Tensor", (), {})
torch.cuda = types.SimpleNamespace(is_available=lambda: False)
sys.modules["torch"] = torch

import numpy as np  # noqa: E402
from safetensors.numpy import load_file  # noqa: E402
import weightwatcher  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import peer_ww  # noqa: E402

tensors = load_file(os.path.join(sys.argv[1], "model.safetensors"))
layers = {name: value for name, value in tensors.items() if ".layer.0." in name or ".layer.4." in name}
details = weightwatcher.WeightWatcher(model=layers).analyze(mp_fit=True, randomize=True, svd_method="accurate")
worst = {}
for _, row in details.iterrows():
    w = tensors[row["name"] + ".weight"]
    evals = peer_ww.eigenvalues(w)
    alpha, xmin, d, _, tail = peer_ww.powerlaw_fit(evals)
    spikes, softrank, bulk_max, sigma = peer_ww.mp_fit(evals, max(w.shape), min(w.shape))
    shuffled = [peer_ww.rand_distance(w, evals, np.random.default_rng(seed)) for seed in range(3)]
    for metric, value in [("alpha", alpha), ("xmin", xmin), ("D", d), ("num_pl_spikes", tail), ("num_spikes", spikes),
                          ("mp_softrank", softrank), ("bulk_max", bulk_max), ("sigma_mp", sigma),
                          ("rand_distance", float(np.mean(shuffled)))]:
        difference = abs(value - row[metric]) / abs(row[metric])
        worst[metric] = max(worst.get(metric, 0.0), difference)
for metric, difference in worst.items():
    print(f"{metric:15} {difference:.3g}")
print("matrices:", len(details), "(rand_distance differs by the shuffle: numpy's global generator vs seeded ones)")
