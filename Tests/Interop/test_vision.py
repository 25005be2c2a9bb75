"""The DINOv2 forward pass against onnxruntime running the real ONNX file with every layer's output exposed, and the
hybrid (DINOv2 stem + MiniLM's encoder, bidirectional and causal) against a numpy encoder fed onnxruntime's stem."""
import h5py
import numpy as np
import onnx
import onnxruntime
import pytest

from safetensors.numpy import load_file
from test_forward import bert_layers, layer_norm

MEAN = np.array([0.485, 0.456, 0.406], dtype=np.float32)
STD = np.array([0.229, 0.224, 0.225], dtype=np.float32)


@pytest.fixture(scope="module")
def vit_path():
    from conftest import MODELS
    path = MODELS / "dinov2-onnx" / "vit_s_focus.onnx"
    assert path.exists(), f"run scripts/fetch-models first ({path})"
    return path


def exposed(vit_path, path, names):
    """onnxruntime on the ONNX file with its outputs replaced by the named intermediate values (so the decoder head is
    not run). The export fixes the input at 224 × 224; its graph computes every size from the input, so both sides are
    freed."""
    model = onnx.load(str(vit_path))
    for axis, name in [(2, "height"), (3, "width")]:
        model.graph.input[0].type.tensor_type.shape.dim[axis].dim_param = name
    del model.graph.output[:]
    for name in names:
        model.graph.output.append(onnx.helper.make_tensor_value_info(name, onnx.TensorProto.FLOAT, None))
    onnx.save(model, str(path))
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = 1
    return onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


@pytest.fixture(scope="module")
def session(vit_path, tmp_path_factory):
    """The embeddings, each block's output and the final LayerNorm's."""
    names = ["/backbone/embeddings/Add_output_0"] + [f"/backbone/encoder/layer.{i}/Add_1_output_0" for i in range(12)]
    names.append("/backbone/layernorm/Add_1_output_0")
    return exposed(vit_path, tmp_path_factory.mktemp("onnx") / "exposed.onnx", names)


def normalised(picture):
    return ((picture - MEAN) / STD).transpose(2, 0, 1)[None].astype(np.float32)


def reference_states(session, picture):
    """onnxruntime's states for a height × width × 3 picture in [0, 1], normalised here with ImageNet's mean and std."""
    outputs = session.run(None, {"input_image": normalised(picture)})
    return [output[0] for output in outputs]


def relative(mine, reference):
    return float(np.abs(mine - reference).max() / np.abs(reference).max())


def test_every_layer_matches_onnxruntime(mvs, session, vit_path, tmp_path):
    from conftest import MODELS
    photo = MODELS / "photos" / "chelsea.png"
    out = tmp_path / "h.h5"
    # A square 224 picture (16 × 16 patches) and a 168 × 112 one (12 × 8 patches: the positions are resampled unevenly).
    mvs("-c", f'vit = load("{vit_path}"); cat = image("{photo}", size=224); wide = resize(cat, 168, 112); '
              f'export("{out}", cat=cat, wide=wide, h=hidden(vit, cat), hw=hidden(vit, wide))')
    with h5py.File(out) as f:
        for picture_name, states_name in [("cat", "h"), ("wide", "hw")]:
            picture, states = f[picture_name][()], f[states_name][()]
            reference = reference_states(session, picture)
            assert states.shape == (13, reference[0].shape[0], 384)
            # States 0…11 are the embeddings and the block outputs; mvs's last state is after the final LayerNorm, as
            # for its decoders (onnxruntime's block 12 output is compared through the norm).
            errors = [relative(states[i], reference[i]) for i in range(12)] + [relative(states[12], reference[13])]
            print(picture_name, ["%.1e" % e for e in errors])
            assert max(errors) < 1e-4, (picture_name, errors)


def test_hybrid_matches_a_numpy_encoder_on_the_onnx_stem(mvs, session, vit_path, minilm_dir, tmp_path):
    from conftest import MODELS
    photo = MODELS / "photos" / "coffee.png"
    out = tmp_path / "hy.h5"
    mvs("-c", f'vit = load("{vit_path}"); m = load("{minilm_dir}"); c = image("{photo}", size=112); '
              f'export("{out}", c=c, bi=hidden(vit, c, stack=m), causal=hidden(vit, c, stack=m, causal=true))')
    weights = load_file(str(minilm_dir / "model.safetensors"))
    get = lambda name: weights[name].astype(np.float64)
    with h5py.File(out) as f:
        stem = reference_states(session, f["c"][()])[0].astype(np.float64)
        # The hybrid enters MiniLM's layers through its embedding LayerNorm (MiniLM's word, position and type
        # embeddings are not used).
        entry = layer_norm(stem, get("embeddings.LayerNorm.weight"), get("embeddings.LayerNorm.bias"), 1e-12)
        for name, causal in [("bi", False), ("causal", True)]:
            states = f[name][()]
            reference = bert_layers(get, entry, layers=6, heads=12, eps=1e-12, causal=causal)[0]
            assert states.shape == (7, 65, 384)
            errors = [relative(states[i], reference[i]) for i in range(7)]
            print(name, ["%.1e" % e for e in errors])
            assert max(errors) < 1e-4, (name, errors)
        # The mask matters: the causal stack's states differ from the bidirectional ones after layer 1 …
        assert np.abs(f["bi"][1] - f["causal"][1]).max() > 1e-2
        # … except at the last token, which sees every token either way, in layer 1.
        np.testing.assert_allclose(f["bi"][1][-1], f["causal"][1][-1], rtol=1e-4, atol=1e-4)


def test_visualisation_and_reconstruction_report_what_onnxruntime_and_numpy_compute(mvs, session, vit_path, minilm_dir, tmp_path):
    """A few steps each (the figures come from examples/vision_figures.mvs): the objective mvs reports is recomputed with
    onnxruntime (ViT) or numpy (hybrid) on the exported picture, the per-patch change and MSE/PSNR in numpy."""
    from conftest import MODELS
    out = tmp_path / "v.h5"
    photo = MODELS / "photos" / "astronaut.png"
    mvs("-c", f'vit = load("{vit_path}"); m = load("{minilm_dir}"); '
              f'v = visualize_image(vit, layer=3, neuron=40, size=56, steps=4, jitter=2, blur=0.5); '
              f'h = visualize_image(vit, layer=1, patch=5, size=56, steps=4, stack=m, causal=true); '
              f'a = image("{photo}", size=56); r = reconstruct_image(vit, a, layer=2, steps=4); '
              f'export("{out}", v=v, h=h, a=a, r=r)')
    with h5py.File(out) as f:
        # ViT, neuron 40 of layer 3 summed over the 16 patch tokens: onnxruntime's fc1 output on the optimised picture.
        v = f["v"]
        exposed = onnxruntime_fc1(session, vit_path, tmp_path, v["image"][()], layer=3)
        assert np.isclose(v.attrs["objective"], exposed[1:, 40].sum(), rtol=1e-4), (v.attrs["objective"], exposed[1:, 40].sum())
        assert v.attrs["objective"] > v.attrs["start_objective"]
        image, start = v["image"][()].astype(np.float64), v["start"][()].astype(np.float64)
        blocks = ((image - start) ** 2).reshape(4, 14, 4, 14, 3).mean(axis=(1, 3, 4)) ** 0.5
        np.testing.assert_allclose(v["change_map"][()], blocks, rtol=1e-4, atol=1e-6)
        np.testing.assert_allclose(v["change"]["change"][()], blocks.ravel(), rtol=1e-4, atol=1e-6)
        # Hybrid, causal, all neurons of patch 5 at MiniLM layer 1: numpy's encoder on onnxruntime's stem.
        h = f["h"]
        weights = load_file(str(minilm_dir / "model.safetensors"))
        get = lambda name: weights[name].astype(np.float64)
        stem = reference_states(session, h["image"][()])[0].astype(np.float64)
        entry = layer_norm(stem, get("embeddings.LayerNorm.weight"), get("embeddings.LayerNorm.bias"), 1e-12)
        pre = bert_layers(get, entry, layers=2, heads=12, eps=1e-12, causal=True)[1][1]
        assert np.isclose(h.attrs["objective"], (pre[1 + 5] ** 2).sum(), rtol=1e-4)
        # Reconstruction: MSE and PSNR of the exported picture against the photograph.
        r, a = f["r"], f["a"][()].astype(np.float64)
        mse = ((r["image"][()].astype(np.float64) - a) ** 2).mean()
        assert np.isclose(r.attrs["mse"], mse, rtol=1e-4)
        assert np.isclose(r.attrs["psnr"], 10 * np.log10(1 / mse), rtol=1e-4)


def onnxruntime_fc1(session, vit_path, tmp_path, picture, layer):
    """FF pre-activations (tokens × 1536) of one block, from onnxruntime with that node's output exposed."""
    fc1 = exposed(vit_path, tmp_path / "fc1.onnx", [f"/backbone/encoder/layer.{layer}/mlp/fc1/Add_output_0"])
    return fc1.run(None, {"input_image": normalised(picture)})[0][0]
