"""HDF5 export/import and safetensors save, driven through the real mvs binary and checked with h5py,
safetensors, numpy and h5dump (values computed independently, never from mvs's earlier output)."""
import hashlib
import json
import math
import os
import signal
import subprocess
import sys
import time

import h5py
import numpy as np
import pytest
from safetensors.numpy import load_file, save_file

from conftest import MVS, run_mvs


def h5dump_clean(path, header_only=False):
    """h5dump reads every object of the file (with -H: every header and attribute) without an error."""
    result = subprocess.run(["h5dump", *(["-H"] if header_only else []), str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "error" not in result.stderr.lower(), result.stderr


def sha256(path):
    with open(path, "rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()


def tiny_bert(seed):
    """Raw PyTorch-layout tensors of a 2-layer BERT (width 8, feed-forward 16, vocabulary 11)."""
    rng = np.random.default_rng(seed)
    tensors = {"embeddings.word_embeddings.weight": rng.standard_normal((11, 8)),
               "embeddings.LayerNorm.weight": rng.standard_normal(8)}
    for layer in range(2):
        p = f"encoder.layer.{layer}."
        for name in ["attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense"]:
            tensors[p + name + ".weight"] = rng.standard_normal((8, 8))
            tensors[p + name + ".bias"] = rng.standard_normal(8)
        tensors[p + "intermediate.dense.weight"] = rng.standard_normal((16, 8))
        tensors[p + "output.dense.weight"] = rng.standard_normal((8, 16))
    tensors = {k: v.astype(np.float32) for k, v in tensors.items()}
    tensors["embeddings.position_ids"] = np.arange(5, dtype=np.int64)[None, :]
    return tensors


@pytest.fixture
def models(tmp_path):
    """A base and a fine-tuned tiny BERT as safetensors with a config."""
    base, tuned = tiny_bert(0), tiny_bert(0)
    rng = np.random.default_rng(1)
    for key in tuned:
        if tuned[key].dtype == np.float32:
            tuned[key] = tuned[key] + 0.01 * rng.standard_normal(tuned[key].shape).astype(np.float32)
    config = {"model_type": "bert", "hidden_size": 8, "num_attention_heads": 2, "num_hidden_layers": 2}
    paths = {}
    for name, tensors in [("base", base), ("ft", tuned)]:
        directory = tmp_path / name
        directory.mkdir()
        save_file(tensors, str(directory / "model.safetensors"))
        (directory / "config.json").write_text(json.dumps(config))
        paths[name] = directory
    return paths, base, tuned


CANONICAL = [("q", "attention.self.query"), ("k", "attention.self.key"), ("v", "attention.self.value"),
             ("o", "attention.output.dense"), ("ff1", "intermediate.dense"), ("ff2", "output.dense")]


def test_every_value_kind_reads_in_h5py(tmp_path):
    out = tmp_path / "values.h5"
    script = tmp_path / "make.mvs"
    script.write_text(f"""
t = tensor([[1, 2, 3], [4, 5, 6]])
big = randn([700, 600], seed=3)
export("{out}", t=t, big=big, n=2.5, s="grüße", yes=true, nothing=none, nums=[1, 2.5, -3],
       words=["a", "bé"], mixed=[1, "two", [3]], rec={{k: 4, name: "x", flags: [true, false], inner: {{t: t}}}})
""")
    run_mvs(str(script), cwd=tmp_path)
    h5dump_clean(out)
    with h5py.File(out, "r") as f:
        t = f["t"]
        assert t.dtype == np.float32 and t.shape == (2, 3)
        assert np.array_equal(t[()], np.array([[1, 2, 3], [4, 5, 6]], dtype=np.float32))
        assert t.attrs["mvs_type"] == "tensor"
        big = f["big"]
        assert big.shape == (700, 600) and big.dtype == np.float32
        assert big.compression == "gzip" and big.shuffle and big.chunks is not None
        assert np.prod(big.chunks) * 4 <= 1 << 20
        assert 0.9 < big[()].std() < 1.1  # standard normal samples survive compression unchanged in kind
        assert f["n"][()] == 2.5 and f["n"].shape == ()
        assert f["s"].asstr()[()] == "grüße"
        assert f["yes"].dtype == np.bool_ and bool(f["yes"][()]) is True
        assert isinstance(f["nothing"][()], h5py.Empty)
        assert list(f["nums"][()]) == [1.0, 2.5, -3.0] and f["nums"].dtype == np.float64
        assert list(f["words"].asstr()[()]) == ["a", "bé"]
        mixed = f["mixed"]
        assert isinstance(mixed, h5py.Group) and list(mixed) == ["0", "1", "2"]
        assert mixed["0"][()] == 1 and mixed["1"].asstr()[()] == "two" and list(mixed["2"][()]) == [3.0]
        rec = f["rec"]
        assert rec.attrs["k"] == 4 and rec.attrs["name"] == "x" and isinstance(rec.attrs["name"], str)
        assert list(rec.attrs["flags"]) == [True, False]
        assert np.array_equal(rec["inner/t"][()], t[()])
        assert list(rec.attrs["mvs_fields"]) == ["k", "name", "flags", "inner"]
        assert f.attrs["mvs_version"] == "0.1.0"
        assert f.attrs["mvs_created"].endswith("Z")
        provenance = list(f.attrs["mvs_provenance"])
        assert len(provenance) == 1 and 'big = randn([700, 600], seed=3)' in provenance[0]


def test_models_deltas_and_tables(tmp_path, models):
    paths, base, tuned = models
    out = tmp_path / "models.h5"
    run_mvs("-c", f'b = load("{paths["base"]}"); f = load("{paths["ft"]}"); d = delta(f, b); '
                  f'export("{out}", base=b, d=d, r=rank(b), sch=schema(b))', cwd=tmp_path)
    h5dump_clean(out)
    with h5py.File(out, "r") as f:
        g = f["base"]
        assert g.attrs["mvs_type"] == "model" and g.attrs["family"] == "bert" and g.attrs["names"] == "canonical"
        assert json.loads(g.attrs["config"])["hidden_size"] == 8
        assert g.attrs["source"].endswith("base/model.safetensors") or g.attrs["source"].endswith("base")
        for layer in range(2):
            for comp, raw in CANONICAL:
                d = g[f"layer.{layer}.{comp}"]
                rawname = f"encoder.layer.{layer}.{raw}.weight"
                # canonical orientation is d_in x d_out: the PyTorch weight transposed
                assert np.array_equal(d[()], base[rawname].T), (layer, comp)
                assert d.attrs["raw_name"] == rawname and d.attrs["layer"] == layer and d.attrs["component"] == comp
                assert d.attrs["orig_dtype"] == "f32"
                assert [dim.label for dim in d.dims] == ["in", "out"]
        assert np.array_equal(g["embed"][()], base["embeddings.word_embeddings.weight"])
        # nothing lost: every parameter without a canonical name is there under its raw name
        for key in ["embeddings.LayerNorm.weight", "encoder.layer.1.attention.self.key.bias"]:
            assert np.array_equal(g[key][()], base[key])
        assert g["embeddings.position_ids"].dtype == np.int64
        assert list(g["embeddings.position_ids"][0]) == [0, 1, 2, 3, 4]

        d = f["d"]
        assert d.attrs["mvs_type"] == "delta"
        expected = tuned["encoder.layer.1.output.dense.weight"] - base["encoder.layer.1.output.dense.weight"]
        assert np.allclose(d["layer.1.ff2"][()], expected.T, atol=1e-7)

        r = f["r"]
        order = list(r.attrs["columns"])
        assert all(isinstance(k, str) for k in order)
        table = {k: r[k][()] for k in order}  # what pandas.DataFrame(table) is built from
        assert "layer" in table and "component" in table and "sigma_max" in table
        components = list(r["component"].asstr()[()])
        for row, (layer, comp) in enumerate(zip(table["layer"], components)):
            raw = dict(CANONICAL)[comp]
            matrix = base[f"encoder.layer.{layer}.{raw}.weight"].astype(np.float64)
            sigma = np.linalg.svd(matrix, compute_uv=False)
            assert math.isclose(table["sigma_max"][row], sigma[0], rel_tol=1e-4)
            assert math.isclose(table["fro"][row], np.sqrt((sigma ** 2).sum()), rel_tol=1e-4)
        assert r["layer"].dtype.kind in "if"


def test_export_import_round_trip_in_mvs(tmp_path, models):
    paths, _, _ = models
    out = tmp_path / "round.h5"
    script = tmp_path / "round.mvs"
    script.write_text(f"""
b = load("{paths["base"]}")
t = randn([3, 4], seed=1)
r = rank(b)
export("{out}", t=t, r=r, b=b, x={{a: 1, s: "é", l: ["p", "q"]}}, n=7)
back = import("{out}")
assert(norm(back.t - t) == 0, "tensor")
assert(shape(back.t) == [3, 4], "shape")
assert(type(back.r) == "table", "table type")
assert(keys(back.r) == keys(r), "columns")
assert(type(back.b) == "model", "model type")
assert(norm(back.b["layer.1.ff1"] - b["layer.1.ff1"]) == 0, "canonical matrix")
assert(norm(back.b["embeddings.LayerNorm.weight"] - b["embeddings.LayerNorm.weight"]) == 0, "raw parameter")
assert(back.x.a == 1 and back.x.s == "é" and back.x.l == ["p", "q"], "record")
assert(back.n == 7, "number")
print("ok")
""")
    assert run_mvs(str(script), cwd=tmp_path).stdout.strip() == "ok"
    h5dump_clean(out)


def test_h5py_written_file_imports(tmp_path):
    path = tmp_path / "theirs.h5"
    with h5py.File(path, "w") as f:
        f.attrs["title"] = "run 7"
        f.attrs["names"] = np.array([b"alpha", b"be"], dtype="S5")
        f["w"] = np.arange(6, dtype=np.float32).reshape(2, 3)
        f["fixed"] = np.bytes_(b"fixed-len")
        f["vlen"] = "variable ü"
        f["words"] = np.array(["x", "yz"], dtype=h5py.string_dtype())
        f.create_group("g")["lr"] = 0.125
    result = run_mvs("-c", f'r = h5("{path}"); print(r.title); print(r.names); print(shape(r.w), sum(r.w)); '
                           f'print(r.fixed); print(r.vlen); print(r.words); print(r.g.lr)')
    assert result.stdout.splitlines() == ["run 7", '["alpha", "be"]', "[2, 3] 15", "fixed-len", "variable ü",
                                          '["x", "yz"]', "0.125"]


def test_save_is_read_by_safetensors(tmp_path, models):
    paths, base, tuned = models
    raw, canonical = tmp_path / "d.safetensors", tmp_path / "c.safetensors"
    run_mvs("-c", f'b = load("{paths["base"]}"); f = load("{paths["ft"]}"); d = delta(f, b); '
                  f'save("{raw}", d); save("{canonical}", d, names="canonical")', cwd=tmp_path)
    d = load_file(str(raw))
    floats = [k for k in base if base[k].dtype == np.float32]
    assert set(d) >= set(floats)
    for key in floats:
        assert np.allclose(d[key], tuned[key] - base[key], atol=1e-7), key
        assert d[key].dtype == np.float32
    c = load_file(str(canonical))
    assert np.allclose(c["layer.0.ff1"], (tuned["encoder.layer.0.intermediate.dense.weight"]
                                         - base["encoder.layer.0.intermediate.dense.weight"]).T, atol=1e-7)
    assert "encoder.layer.0.intermediate.dense.weight" not in c
    assert "encoder.layer.0.attention.self.query.bias" in c
    # an existing file is refused, exit status 1 and a message naming the file
    again = run_mvs("-c", f'b = load("{paths["base"]}"); save("{raw}", b)', check=False)
    assert again.returncode != 0 and "already exists" in again.stderr and str(raw) in again.stderr


def test_existing_targets_and_append(tmp_path):
    out = tmp_path / "grow.h5"
    run_mvs("-c", f'export("{out}", a=1)')
    refused = run_mvs("-c", f'export("{out}", b=2)', check=False)
    assert refused.returncode != 0 and "overwrite=true" in refused.stderr
    run_mvs("-c", f'export("{out}", b=2, mode="a")')
    run_mvs("-c", f'export("{out}", a=3, mode="a", overwrite=true)')
    with h5py.File(out, "r") as f:
        assert f["a"][()] == 3 and f["b"][()] == 2
        assert len(f.attrs["mvs_provenance"]) == 3
    h5dump_clean(out)
    missing = run_mvs("-c", f'export("{tmp_path}/no/dir/x.h5", a=1)', check=False)
    assert missing.returncode != 0 and "does not exist" in missing.stderr
    assert os.listdir(tmp_path) == ["grow.h5"]


def test_disk_full_gives_a_clear_error_and_no_temporary(tmp_path):
    out = tmp_path / "full.h5"
    run_mvs("-c", f'export("{out}", a=1)')
    before = sha256(out)
    # A 2 MiB file-size limit stands in for a full disk: writes fail with EFBIG instead of ENOSPC.
    command = f"ulimit -f 2048; trap '' XFSZ; exec '{MVS}' -c 'export(\"{out}\", big=randn([1000, 1000]), compress=false, overwrite=true)'"
    result = subprocess.run(["bash", "-c", command], capture_output=True, text=True, timeout=300)
    # a clean error exit (not a crash: HDF5 once crashed at exit after a failed write)
    assert result.returncode not in (0, -11, 139) and result.returncode < 128, result.returncode
    assert str(out) in result.stderr and "file too large" in result.stderr.lower(), result.stderr
    assert sha256(out) == before
    assert os.listdir(tmp_path) == ["full.h5"]


@pytest.fixture
def big_model(tmp_path):
    """~300 MB of random float32 in 72 matrices of 1024 x 1024 (random data compresses slowly: a wide window)."""
    path = tmp_path / "big.safetensors"
    rng = np.random.default_rng(0)
    save_file({f"block.{i}.weight": rng.standard_normal((1024, 1024), dtype=np.float32) for i in range(72)}, str(path))
    return path


def start_big_export(big, out):
    """Starts mvs exporting the big model over `out`; returns once its temporary holds more than 20 MB."""
    process = subprocess.Popen([MVS, "-c", f'm = load("{big}"); export("{out}", m=m, overwrite=true)'],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    temporary = out.parent / f".{out.name}.tmp-{process.pid}"
    deadline = time.time() + 120
    while time.time() < deadline and process.poll() is None:
        if temporary.exists() and temporary.stat().st_size > 20 * 1024 * 1024:
            break
        time.sleep(0.05)
    assert process.poll() is None, "export finished before it could be stopped: " + process.stderr.read()
    assert temporary.exists() and temporary.stat().st_size > 20 * 1024 * 1024
    return process, temporary


def test_killed_export_leaves_the_previous_file(tmp_path, big_model):
    out = tmp_path / "out.h5"
    run_mvs("-c", f'export("{out}", old=tensor([1, 2, 3]))')
    before = sha256(out)
    process, temporary = start_big_export(big_model, out)
    process.send_signal(signal.SIGKILL)
    process.wait()

    assert sha256(out) == before
    with h5py.File(out, "r") as f:
        assert list(f) == ["old"] and list(f["old"][()]) == [1, 2, 3]
    leftovers = sorted(p for p in os.listdir(tmp_path) if p.startswith(".out.h5.tmp-"))
    assert leftovers == [temporary.name]  # the killed export's temporary, never the target

    # The next export replaces the file whole and clears the dead process's temporary.
    run_mvs("-c", f'export("{out}", new=1, overwrite=true)')
    assert sorted(os.listdir(tmp_path)) == ["big.safetensors", "out.h5"]
    with h5py.File(out, "r") as f:
        assert list(f) == ["new"]


def test_interrupted_export_removes_its_temporary(tmp_path, big_model):
    out = tmp_path / "out.h5"
    run_mvs("-c", f'export("{out}", old=tensor([1, 2, 3]))')
    before = sha256(out)
    process, temporary = start_big_export(big_model, out)
    process.send_signal(signal.SIGINT)  # Ctrl-C: the export stops at its next check and cleans up
    _, stderr = process.communicate(timeout=120)
    assert process.returncode != 0 and "interrupted" in stderr, stderr
    assert sha256(out) == before
    assert sorted(os.listdir(tmp_path)) == ["big.safetensors", "out.h5"]


@pytest.mark.parametrize("compress", ["true", "false"])
def test_safetensors_load_export_h5py_exact(tmp_path, models, minilm_dir, compress):
    """Issue 2's slice: Python writes safetensors, mvs loads and exports, h5py reads back the same values."""
    paths, base, _ = models
    out = tmp_path / "exact.h5"
    run_mvs("-c", f'export("{out}", tiny=load("{paths["base"]}"), mini=load("{minilm_dir}"), names="raw", '
                  f'compress={compress})')
    h5dump_clean(out, header_only=True)  # h5py reads every value below; a text dump of 90 MB would take minutes
    minilm = load_file(str(minilm_dir / "model.safetensors"))
    with h5py.File(out, "r") as f:
        for group, tensors in [("tiny", base), ("mini", minilm)]:
            g = f[group]
            assert g.attrs["names"] == "raw"
            assert sorted(set(g) - {"mvs_vocabulary"}) == sorted(tensors)
            for name, expected in tensors.items():
                got = g[name]
                assert got.shape == expected.shape, name
                assert got.dtype == (np.int64 if expected.dtype.kind == "i" else np.float32), name
                assert np.array_equal(got[()], expected), name
                assert got.attrs["raw_name"] == name
                assert (got.compression == "gzip") == (compress == "true" and expected.size > 0), name
        # the vocabulary travels with the weights
        vocab = (minilm_dir / "vocab.txt").read_text(encoding="utf-8").splitlines()
        assert list(f["mini/mvs_vocabulary"].asstr()[()]) == vocab


def test_vectors_and_clusterings(tmp_path):
    make_zoo = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts", "make-zoo")
    subprocess.run([sys.executable, make_zoo, "--synthetic", "2x32", "--out", str(tmp_path / "zoo"),
                    "--tasks", "2", "--per-task", "3"], check=True, capture_output=True)
    out = tmp_path / "zoo.h5"
    run_mvs("-c", f'z = models("{tmp_path}/zoo/manifest.csv"); b = load("{tmp_path}/zoo/base"); v = vectorize(z, base=b); '
                  f'export("{out}", v=v, c=cluster(v, k=2, seed=0))')
    h5dump_clean(out)
    manifest = [line.split(",") for line in (tmp_path / "zoo" / "manifest.csv").read_text().splitlines()[1:]]
    with h5py.File(out, "r") as f:
        v, c = f["v"], f["c"]
        assert v.attrs["mvs_type"] == "vectors" and c.attrs["mvs_type"] == "clustering"
        matrix = v["matrix"][()]
        assert matrix.shape[0] == len(manifest) and matrix.dtype == np.float32
        assert list(v["names"].asstr()[()]) == [row[1] for row in manifest]
        assert list(v["labels"].asstr()[()]) == [row[2] for row in manifest]
        assert list(v["matrix"].dims[0][0].asstr()[()]) == [row[1] for row in manifest]
        labels = c["labels"][()]
        assert labels.dtype == np.int64 and sorted(set(labels)) == [0, 1]
        assert list(c["sizes"][()]) == [int((labels == k).sum()) for k in range(2)]
        # centroids are the means of the clustered rows (independently recomputed from the exported matrix)
        for k in range(2):
            assert np.allclose(c["centroids"][k], matrix[labels == k].astype(np.float64).mean(axis=0), atol=1e-5)
        assert c.attrs["k"] == 2 and -1 <= c.attrs["silhouette"] <= 1 and "ari" in c.attrs


def test_values_are_written_in_call_order(tmp_path):
    out = tmp_path / "order.h5"
    run_mvs("-c", f'export("{out}", zeta=1, alpha=[1, 2], mid="m")')
    with h5py.File(out) as f:
        assert list(f.keys()) == ["zeta", "alpha", "mid"]
