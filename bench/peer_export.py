"""Peer: write every tensor of a model and a rank table to HDF5 with h5py.

With a third argument `gzip`, arrays over 1 MiB are chunked and compressed with gzip level 4 + shuffle, as
mvs's export does by default; without it nothing is compressed (as `export(…, compress=false)`)."""
import sys
import h5py
import numpy as np
from peer_common import load, canonical

tensors = load(sys.argv[1])
compress = len(sys.argv) > 3 and sys.argv[3] == "gzip"
with h5py.File(sys.argv[2], "w") as f:
    g = f.create_group("model")
    for name, value in tensors.items():
        if compress and value.nbytes > 1 << 20:
            g.create_dataset(name, data=value, chunks=True, compression="gzip", compression_opts=4, shuffle=True)
        else:
            g.create_dataset(name, data=value)
    rows = []
    for layer, component, w in canonical(tensors):
        s = np.linalg.svd(w, compute_uv=False)
        rows.append((layer, component, int((s > s.max() * max(w.shape) * np.finfo(np.float32).eps).sum()),
                     float(np.sqrt((s ** 2).sum()))))
    t = f.create_group("rank")
    t["layer"] = np.array([r[0] for r in rows], np.int64)
    t["component"] = np.array([r[1] for r in rows], dtype=h5py.string_dtype())
    t["rank"] = np.array([r[2] for r in rows], np.int64)
    t["fro"] = np.array([r[3] for r in rows])
print("ok")
