"""ONNX against the `onnx` package: every initializer of both real files reads as onnx.numpy_helper reads it,
under the name mvs gives it; the canonical DINOv2 and MiniLM matrices and their ranks match numpy; quantised and
malformed files are refused by name.

The names are derived here from the graph, by the rule docs/onnx.md states, independently of mvs: an anonymous
initializer (`onnx::…` or a number) takes the name of the first named node consuming it, the MatMul node's own
name when it is that node's weight (input 1 of 2), else `node:index`.
"""
import subprocess

import numpy as np
import onnx
import pytest
from onnx import numpy_helper
from safetensors.numpy import safe_open

from conftest import MODELS, MVS, run_mvs

DINOV2 = MODELS / "dinov2-onnx" / "vit_s_focus.onnx"
PARAPHRASE = MODELS / "paraphrase-minilm-onnx" / "paraphrase-MiniLM-L3-v2.onnx"
INT8 = MODELS / "minilm-onnx-int8" / "model.onnx"


def anonymous(name):
    return name.startswith("onnx::") or name.isdigit()


def mvs_names(model):
    """{onnx initializer name: the name mvs should give it}."""
    consumer = {}
    for node in model.graph.node:
        if not node.name:
            continue
        for index, name in enumerate(node.input):
            if name not in consumer and anonymous(name):
                matmul = node.op_type == "MatMul" and index == 1 and len(node.input) == 2
                consumer[name] = node.name if matmul else f"{node.name}:{index}"
    taken = {t.name for t in model.graph.initializer}
    names = {}
    for t in model.graph.initializer:
        new = consumer.get(t.name)
        if new is None or new in taken:
            names[t.name] = t.name
        else:
            taken.add(new)
            names[t.name] = new
    return names


@pytest.mark.parametrize("path", [DINOV2, PARAPHRASE], ids=["dinov2", "paraphrase-minilm"])
def test_every_initializer_equals_numpy_helper(path, tmp_path):
    assert path.exists(), "run scripts/fetch-models first"
    saved = tmp_path / "weights.safetensors"
    run_mvs("-c", f'save("{saved}", load("{path}"))')
    model = onnx.load(str(path))
    names = mvs_names(model)
    with safe_open(str(saved), "numpy") as f:
        assert sorted(f.keys()) == sorted(names.values())
        for t in model.graph.initializer:
            expected = numpy_helper.to_array(t)
            got = f.get_tensor(names[t.name])
            assert got.shape == expected.shape, t.name
            assert np.array_equal(got.view(np.uint32), expected.astype(np.float32).view(np.uint32)), t.name


def weights(path):
    model = onnx.load(str(path))
    names = mvs_names(model)
    return {names[t.name]: numpy_helper.to_array(t) for t in model.graph.initializer}


DINO_PARTS = {"q": "attention/attention/query", "k": "attention/attention/key", "v": "attention/attention/value",
              "o": "attention/output/dense", "ff1": "mlp/fc1", "ff2": "mlp/fc2"}


def test_dinov2_rank_and_canonical_matrices_match_numpy(tmp_path):
    """rank by depth on the ViT's canonical matrices (MatMul weights used as stored: x·W) against numpy's SVD,
    and the embeddings under their canonical names."""
    import h5py
    assert DINOV2.exists(), "run scripts/fetch-models first"
    out = tmp_path / "dinov2.h5"
    run_mvs("-c", f'm = load("{DINOV2}")\n'
                  f'export("{out}", rank=rank(m, layers=[0, 11]), q=m["layer.11.q"], ff1=m["layer.0.ff1"], patch=m["patch"],\n'
                  f'       cls=m["cls"], pos_cls=m["pos_cls"], pos_patch=m["pos_patch"], final_norm=m["final_norm"])')
    w = weights(DINOV2)

    def canonical(layer, component):
        return w[f"/backbone/encoder/layer.{layer}/{DINO_PARTS[component]}/MatMul"]

    with h5py.File(out) as f:
        rank = {name: f["rank"][name][()] for name in f["rank"].attrs["columns"]}
        components = [c.decode() if isinstance(c, bytes) else c for c in rank["component"]]
        assert components == ["q", "k", "v", "o", "ff1", "ff2"] * 2
        for row, (layer, component) in enumerate(zip(rank["layer"], components)):
            matrix = canonical(layer, component)
            s = np.linalg.svd(matrix, compute_uv=False).astype(np.float64)
            p = s / s.sum()
            assert rank["rank"][row] == np.linalg.matrix_rank(matrix), (layer, component)
            assert rank["erank"][row] == pytest.approx(np.exp(-(p * np.log(p)).sum()), rel=1e-3), (layer, component)
            assert rank["sigma_max"][row] == pytest.approx(s[0], rel=1e-3), (layer, component)
        np.testing.assert_array_equal(f["q"][()], canonical(11, "q"))
        np.testing.assert_array_equal(f["ff1"][()], canonical(0, "ff1"))
        np.testing.assert_array_equal(f["patch"][()], w["backbone.embeddings.patch_embeddings.projection.weight"])
        np.testing.assert_array_equal(f["cls"][()], w["backbone.embeddings.cls_token"])
        np.testing.assert_array_equal(f["pos_cls"][()], w["/backbone/embeddings/Concat_6:0"])
        np.testing.assert_array_equal(f["pos_patch"][()], w["/backbone/embeddings/Reshape_1:0"])
        np.testing.assert_array_equal(f["final_norm"][()], w["backbone.layernorm.weight"])


def test_paraphrase_minilm_canonical_matrices_match_numpy(tmp_path):
    import h5py
    assert PARAPHRASE.exists(), "run scripts/fetch-models first"
    out = tmp_path / "paraphrase.h5"
    run_mvs("-c", f'm = load("{PARAPHRASE}")\n'
                  f'export("{out}", embed=m["embed"], q=m["layer.2.q"], ff2=m["layer.1.ff2"])')
    w = weights(PARAPHRASE)
    scope = "/model/model.0/auto_model/encoder"
    with h5py.File(out) as f:
        np.testing.assert_array_equal(f["embed"][()], w["model.0.auto_model.embeddings.word_embeddings.weight"])
        np.testing.assert_array_equal(f["q"][()], w[f"{scope}/layer.2/attention/self/query/MatMul"])
        np.testing.assert_array_equal(f["ff2"][()], w[f"{scope}/layer.1/output/dense/MatMul"])


def test_quantised_onnx_is_refused_by_name():
    assert INT8.exists(), "run scripts/fetch-models first"
    model = onnx.load(str(INT8))
    quantised = [t.name for t in model.graph.initializer if t.data_type in (onnx.TensorProto.INT8, onnx.TensorProto.UINT8)]
    result = subprocess.run([MVS, "-c", f'load("{INT8}")'], capture_output=True, text=True, timeout=60)
    assert result.returncode in (70, 74), result.stderr
    assert "a quantised type" in result.stderr
    # The first quantised initializer in file order is the one named.
    assert f"'{quantised[0]}'" in result.stderr, result.stderr


def test_paraphrase_minilm_paired_with_minilms_vocabulary_runs_as_onnxruntime_does(tmp_path, minilm_dir):
    """load(…, vocab=, config=) gives the ONNX export MiniLM's vocabulary and its head count; hidden()'s last layer
    then equals onnxruntime running the same file (its 'onnx::Shape_422' output is the last hidden state)."""
    import h5py
    import onnxruntime
    from tokenizers import Tokenizer
    assert PARAPHRASE.exists(), "run scripts/fetch-models first"
    text = "The cat sat on the mat, and the dog watched it."
    out = tmp_path / "hidden.h5"
    run_mvs("-c", f'p = load("{PARAPHRASE}", vocab="{minilm_dir}", config={{num_attention_heads: 12}})\n'
                  f'export("{out}", h=hidden(p, "{text}"))')
    tokenizer = Tokenizer.from_file(str(minilm_dir / "tokenizer.json"))
    tokenizer.no_padding()
    ids = np.array([tokenizer.encode(text).ids], dtype=np.int64)
    session = onnxruntime.InferenceSession(str(PARAPHRASE), providers=["CPUExecutionProvider"])
    (expected,) = session.run(["onnx::Shape_422"], {"input_ids": ids, "attention_mask": np.ones_like(ids)})
    with h5py.File(out) as f:
        hidden = f["h"][()]
    assert hidden.shape == (4, ids.shape[1], 384)
    np.testing.assert_allclose(hidden[-1], expected[0], rtol=1e-4, atol=1e-4)


def test_export_keeps_node_named_weights_readable_in_h5py(tmp_path):
    """Raw names that are node names (`/model/…/pooler/Add:1`) export under the model group without the
    graph's leading `/`, their raw name kept as an attribute; canonical matrices under their canonical names."""
    import json
    import sys

    import h5py
    from conftest import REPO
    fixtures = REPO / "Tests" / "Fixtures" / "models"
    expected = json.loads(subprocess.run([sys.executable, str(fixtures / "onnx_models.py"), str(tmp_path)], check=True,
                                         capture_output=True, text=True, cwd=fixtures).stdout)["bert.onnx"]
    out = tmp_path / "bert.h5"
    run_mvs("-c", f'export("{out}", model=load("{tmp_path / "bert.onnx"}"))')
    with h5py.File(out) as f:
        pooler = f["model/model/model.0/auto_model/pooler/Add:1"]
        assert pooler.attrs["raw_name"] == "/model/model.0/auto_model/pooler/Add:1"
        want = expected["tensors"]["/model/model.0/auto_model/pooler/Add:1"]
        np.testing.assert_array_equal(pooler[()], np.array(want["values"], dtype=np.float32).reshape(want["shape"]))
        q = f["model/layer.1.q"]
        assert q.attrs["raw_name"] == "/model/model.0/auto_model/encoder/layer.1/attention/self/query/MatMul"
        want = expected["canonical"]["layer.1.q"]
        np.testing.assert_array_equal(q[()], np.array(want["values"], dtype=np.float32).reshape(want["shape"]))
