"""GGUF against the `gguf` package: every tensor of both real files and blocks of every supported type
dequantise bit for bit as gguf.quants.dequantize does; deltas of two GGUF files match numpy."""
import struct

import gguf
import numpy as np
import pytest
from safetensors.numpy import safe_open

from conftest import MODELS, run_mvs

SMOLLM2 = MODELS / "smollm2" / "SmolLM2-135M-Instruct.Q4_1.gguf"
GEMMA3 = MODELS / "gemma3" / "gemma-3-270m-q4_k_m.gguf"
Q = gguf.GGMLQuantizationType
SIZES = {8: None, 9: None, 0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8}


def tensor_layout(path):
    """Tensor name → (GGML type, numpy shape, bytes) from the file's header, parsed here with struct.

    gguf.GGUFReader would do, but it decodes Gemma's 262,144 token strings one numpy view at a time (~40 s);
    this walks past the metadata without decoding it.
    """
    data = path.read_bytes()
    pos = 8
    n_tensors, n_kv = struct.unpack_from("<QQ", data, pos)
    pos += 16
    alignment = 32

    def skip_value(kind):
        nonlocal pos
        if kind == 8:
            (length,) = struct.unpack_from("<Q", data, pos)
            pos += 8 + length
        elif kind == 9:
            element, count = struct.unpack_from("<IQ", data, pos)
            pos += 12
            if SIZES[element] is not None:
                pos += count * SIZES[element]
            else:
                for _ in range(count):
                    skip_value(element)
        else:
            pos += SIZES[kind]

    for _ in range(n_kv):
        (length,) = struct.unpack_from("<Q", data, pos)
        key = data[pos + 8:pos + 8 + length].decode()
        pos += 8 + length
        (kind,) = struct.unpack_from("<I", data, pos)
        pos += 4
        if key == "general.alignment":
            (alignment,) = struct.unpack_from("<I", data, pos)
        skip_value(kind)
    infos = []
    for _ in range(n_tensors):
        (length,) = struct.unpack_from("<Q", data, pos)
        name = data[pos + 8:pos + 8 + length].decode()
        pos += 8 + length
        (n_dims,) = struct.unpack_from("<I", data, pos)
        dims = struct.unpack_from(f"<{n_dims}Q", data, pos + 4)
        kind, offset = struct.unpack_from("<IQ", data, pos + 4 + 8 * n_dims)
        pos += 4 + 8 * n_dims + 12
        infos.append((name, Q(kind), tuple(reversed(dims)), offset))
    start = (pos + alignment - 1) // alignment * alignment
    raw = np.frombuffer(data, dtype=np.uint8)
    layout = {}
    for name, kind, shape, offset in infos:
        block, size = gguf.GGML_QUANT_SIZES[kind]
        nbytes = int(np.prod(shape)) // block * size
        layout[name] = (kind, shape, raw[start + offset:start + offset + nbytes].reshape(*shape[:-1], -1))
    return layout


def unpermute(w, heads):
    """Inverse of llama.cpp's convert_hf_to_gguf `permute` (HF rotate-half rows → ggml's interleaved pairs)."""
    return w.reshape(heads, w.shape[0] // heads // 2, 2, *w.shape[1:]).swapaxes(1, 2).reshape(w.shape)


def assert_bit_identical(path, tmp_path, heads=None):
    """mvs's reading of every tensor (saved as float32 safetensors) equals gguf.quants.dequantize's, bit for bit."""
    saved = tmp_path / (path.stem + ".safetensors")
    run_mvs("-c", f'save("{saved}", load("{path}"))')
    layout = tensor_layout(path)
    with safe_open(str(saved), "numpy") as f:
        assert sorted(f.keys()) == sorted(layout)
        for name, (kind, shape, blocks) in layout.items():
            expected = gguf.quants.dequantize(blocks, kind).astype(np.float32).reshape(shape)
            if heads and name.endswith(".attn_q.weight"):
                expected = unpermute(expected, heads[0])
            if heads and name.endswith(".attn_k.weight"):
                expected = unpermute(expected, heads[1])
            got = f.get_tensor(name)
            assert got.shape == expected.shape, name
            assert np.array_equal(got.view(np.uint32), expected.view(np.uint32)), f"{name} ({kind.name}) differs"
            del got, expected
    saved.unlink()
    return {kind.name for kind, _, _ in layout.values()}


def test_smollm2_every_tensor_is_bit_identical(tmp_path):
    assert SMOLLM2.exists(), "run scripts/fetch-models first"
    assert assert_bit_identical(SMOLLM2, tmp_path, heads=(9, 3)) == {"Q4_1", "Q8_0", "F32"}


def test_gemma3_every_tensor_is_bit_identical(tmp_path):
    assert GEMMA3.exists(), "run scripts/fetch-models first"
    assert assert_bit_identical(GEMMA3, tmp_path) == {"Q5_0", "Q4_K", "Q6_K", "Q8_0", "F32"}


def random_blocks(kind, rows, rng):
    """Random bytes for `rows` rows of 512 elements of `kind`, with every f16 scale a finite random value."""
    block, size = gguf.GGML_QUANT_SIZES[kind]
    blocks = rng.integers(0, 256, size=(rows * 512 // block, size), dtype=np.uint8)
    # Where each type keeps its f16 scales (d, and dmin / m where it has one).
    scales = {Q.Q4_0: [0], Q.Q4_1: [0, 2], Q.Q5_0: [0], Q.Q5_1: [0, 2], Q.Q8_0: [0], Q.Q2_K: [80, 82],
              Q.Q3_K: [108], Q.Q4_K: [0, 2], Q.Q5_K: [0, 2], Q.Q6_K: [208]}[kind]
    for at in scales:
        blocks[:, at:at + 2] = rng.uniform(-2, 2, size=len(blocks)).astype(np.float16).view(np.uint8).reshape(-1, 2)
    return blocks.reshape(rows, -1)


def test_every_supported_type_matches_gguf_on_quantised_and_random_blocks(tmp_path):
    """Types gguf-py quantises: its own quantisation of random weights; the K-quants (which it cannot
    quantise): random blocks. One file holds them all; mvs reads each back bit for bit."""
    rng = np.random.default_rng(7)
    path = tmp_path / "types.gguf"
    writer = gguf.GGUFWriter(str(path), "mvs-test")
    expected = {}
    weights = rng.standard_normal((4, 512)).astype(np.float32) * 3
    weights[0, :32] = 0  # an all-zero block (d = 0)
    for kind in [Q.F32, Q.F16, Q.BF16, Q.Q4_0, Q.Q4_1, Q.Q5_0, Q.Q5_1, Q.Q8_0]:
        stored = gguf.quants.quantize(weights, kind)
        writer.add_tensor(kind.name, stored, raw_dtype=kind if kind not in (Q.F32, Q.F16) else None)
        expected[kind.name] = gguf.quants.dequantize(stored if kind in (Q.F32, Q.F16) else stored, kind)
    for kind in [Q.Q2_K, Q.Q3_K, Q.Q4_K, Q.Q5_K, Q.Q6_K, Q.Q4_0, Q.Q4_1, Q.Q5_0, Q.Q5_1, Q.Q8_0]:
        blocks = random_blocks(kind, 3, rng)
        writer.add_tensor(f"random.{kind.name}", blocks, raw_dtype=kind)
        expected[f"random.{kind.name}"] = gguf.quants.dequantize(blocks, kind)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    saved = tmp_path / "types.safetensors"
    run_mvs("-c", f'save("{saved}", load("{path}"))')
    with safe_open(str(saved), "numpy") as f:
        assert sorted(f.keys()) == sorted(expected)
        for name, values in expected.items():
            got = f.get_tensor(name)
            assert np.array_equal(got.view(np.uint32), values.astype(np.float32).view(np.uint32)), name


def test_unsupported_types_are_refused_by_name(tmp_path):
    path = tmp_path / "iq.gguf"
    writer = gguf.GGUFWriter(str(path), "llama")
    writer.add_tensor("w", np.zeros((1, 66), np.uint8), raw_dtype=Q.IQ2_XXS)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    result = run_mvs("-c", f'm = load("{path}")\nprint(info(m).dtypes)\nm["w"]', check=False)
    assert '["iq2_xxs"]' in result.stdout
    assert result.returncode == 70
    assert "tensor 'w' is stored as IQ2_XXS, which mvs does not dequantise" in result.stderr


def small_llama(path, rng, scale):
    """A 2-layer llama GGUF (d 64, 4 heads, 2 KV heads, ff 128) in Q8_0 and F32, written by gguf-py."""
    writer = gguf.GGUFWriter(str(path), "llama")
    writer.add_block_count(2)
    writer.add_embedding_length(64)
    writer.add_feed_forward_length(128)
    writer.add_head_count(4)
    writer.add_head_count_kv(2)
    writer.add_layer_norm_rms_eps(1e-5)
    writer.add_token_list([f"t{i}" for i in range(96)])
    values = {}

    def add(name, shape, kind):
        w = (rng.standard_normal(shape) * scale).astype(np.float32)
        stored = gguf.quants.quantize(w, kind)
        writer.add_tensor(name, stored, raw_dtype=kind if kind != Q.F32 else None)
        values[name] = gguf.quants.dequantize(stored, kind).astype(np.float32)

    add("token_embd.weight", (96, 64), Q.Q8_0)
    add("output_norm.weight", (64,), Q.F32)
    for layer in range(2):
        for part, shape in [("attn_q", (64, 64)), ("attn_k", (32, 64)), ("attn_v", (32, 64)), ("attn_output", (64, 64)),
                            ("ffn_up", (128, 64)), ("ffn_gate", (128, 64)), ("ffn_down", (64, 128))]:
            add(f"blk.{layer}.{part}.weight", shape, Q.Q8_0)
        add(f"blk.{layer}.attn_norm.weight", (64,), Q.F32)
        add(f"blk.{layer}.ffn_norm.weight", (64,), Q.F32)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return values


def test_delta_of_two_gguf_files_matches_numpy(tmp_path):
    rng = np.random.default_rng(3)
    base = small_llama(tmp_path / "base.gguf", rng, 1.0)
    ft = small_llama(tmp_path / "ft.gguf", np.random.default_rng(3), 1.01)
    out = tmp_path / "delta.safetensors"
    run_mvs("-c", f'save("{out}", load("{tmp_path / "ft.gguf"}") - load("{tmp_path / "base.gguf"}"))')
    with safe_open(str(out), "numpy") as f:
        # q and k read in HF row order: the GGUF rows un-permuted.
        q = unpermute(ft["blk.1.attn_q.weight"], 4) - unpermute(base["blk.1.attn_q.weight"], 4)
        np.testing.assert_array_equal(f.get_tensor("blk.1.attn_q.weight"), q)
        k = unpermute(ft["blk.0.attn_k.weight"], 2) - unpermute(base["blk.0.attn_k.weight"], 2)
        np.testing.assert_array_equal(f.get_tensor("blk.0.attn_k.weight"), k)
        gate = ft["blk.1.ffn_gate.weight"] - base["blk.1.ffn_gate.weight"]
        np.testing.assert_array_equal(f.get_tensor("blk.1.ffn_gate.weight"), gate)
        np.testing.assert_array_equal(f.get_tensor("token_embd.weight"), ft["token_embd.weight"] - base["token_embd.weight"])
    # Canonical names: matrices as d_in × d_out (the HF weight transposed), vectors such as the final norm kept.
    canonical = tmp_path / "delta-canonical.safetensors"
    run_mvs("-c", f'save("{canonical}", load("{tmp_path / "ft.gguf"}") - load("{tmp_path / "base.gguf"}"), names="canonical")')
    with safe_open(str(canonical), "numpy") as f:
        np.testing.assert_array_equal(f.get_tensor("layer.0.k"), k.T)
        np.testing.assert_array_equal(f.get_tensor("layer.1.ff1g"), gate.T)
        np.testing.assert_array_equal(f.get_tensor("final_norm"), ft["output_norm.weight"] - base["output_norm.weight"])
        np.testing.assert_array_equal(f.get_tensor("blk.1.ffn_norm.weight"), ft["blk.1.ffn_norm.weight"] - base["blk.1.ffn_norm.weight"])


def table(group):
    return {name: group[name][()] for name in group.attrs["columns"]}


HF_PARTS = {"q": "attn_q", "k": "attn_k", "v": "attn_v", "o": "attn_output", "ff1": "ffn_up", "ff1g": "ffn_gate", "ff2": "ffn_down"}


@pytest.mark.parametrize("path, layers, heads", [(SMOLLM2, [0, 29], (9, 3)), (GEMMA3, [0, 17], None)], ids=["smollm2", "gemma3"])
def test_rank_project_align_export_on_real_ggufs_match_numpy(path, layers, heads, tmp_path):
    """rank by depth (ff1g included), project through the tied embedding, align with itself and export:
    mvs's HDF5 against numpy on gguf.quants.dequantize's weights."""
    import h5py
    assert path.exists(), "run scripts/fetch-models first"
    out = tmp_path / "analyses.h5"
    run_mvs("-c", f'm = load("{path}")\n'
                  f'export("{out}", rank=rank(m, layers={layers}), values=project(m, layer={layers[1]}, component="ff2", index=[3, 1000], top=10),\n'
                  f'       gates=project(m, layer={layers[0]}, component="ff1g", index=5, top=5),\n'
                  f'       matching=align(m, m, component="k", pair=[{layers[1]}, {layers[1]}]), q=m["layer.{layers[1]}.q"])')
    layout = tensor_layout(path)

    def weight(name):
        kind, shape, blocks = layout[name]
        return gguf.quants.dequantize(blocks, kind).astype(np.float32).reshape(shape)

    def canonical(layer, component):
        w = weight(f"blk.{layer}.{HF_PARTS[component]}.weight")
        if heads and component in ("q", "k"):
            w = unpermute(w, heads[0] if component == "q" else heads[1])
        return w.T

    with h5py.File(out) as f:
        got = table(f["rank"])
        components = [c.decode() if isinstance(c, bytes) else c for c in got["component"]]
        assert components == ["q", "k", "v", "o", "ff1", "ff1g", "ff2"] * 2
        for row, (layer, component) in enumerate(zip(got["layer"], components)):
            s = np.linalg.svd(canonical(layer, component), compute_uv=False).astype(np.float64)
            p = s / s.sum()
            assert got["erank"][row] == pytest.approx(np.exp(-(p * np.log(p)).sum()), rel=1e-3), (layer, component)
            assert got["sigma_max"][row] == pytest.approx(s[0], rel=1e-3)
        np.testing.assert_array_equal(f["q"][()], canonical(layers[1], "q"))
        e = weight("token_embd.weight")
        values = table(f["values"])
        ff2 = canonical(layers[1], "ff2")
        for position, index in enumerate((3, 1000)):
            scores = e @ ff2[index]
            want = np.argsort(-scores, kind="stable")[:10]
            assert list(values["token_id"][position * 10:(position + 1) * 10]) == list(want)
            np.testing.assert_allclose(values["score"][position * 10:(position + 1) * 10], scores[want], rtol=1e-4, atol=1e-6)
        gate = canonical(layers[0], "ff1g")[:, 5]
        scores = e @ gate
        assert list(table(f["gates"])["token_id"]) == list(np.argsort(-scores, kind="stable")[:5])
        # A model aligned with itself: each key vector is matched to itself, with cosine 1.
        matching = table(f["matching"])
        assert list(matching["index_a"]) == list(matching["index_b"]) == list(range(len(matching["index_a"])))
        np.testing.assert_allclose(matching["score"], 1, atol=1e-4)
