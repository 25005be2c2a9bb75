"""Writes small synthetic checkpoints of every supported family with the real `safetensors` package,
and prints, as JSON, numpy's own canonical reading of each: {directory: {canonical name: stats}}.

Usage: synthetic.py OUTPUT_DIR
The canonical mapping below is written independently of mvs, from the families' published layouts.
"""
import json
import os
import struct
import sys

import numpy as np
from safetensors.numpy import save_file

from reference import stats

V, D, FF, L = 50, 8, 16, 2
rng = np.random.default_rng(7)


def r(*shape):
    return rng.standard_normal(shape).astype(np.float32)


def write_dir(root, name, tensors, config=None, files=None):
    path = os.path.join(root, name)
    os.makedirs(path, exist_ok=True)
    if tensors is not None:
        save_file(tensors, os.path.join(path, "model.safetensors"))
    if config is not None:
        with open(os.path.join(path, "config.json"), "w") as f:
            json.dump(config, f)
    for file, text in (files or {}).items():
        with open(os.path.join(path, file), "w", encoding="utf-8") as f:
            f.write(text)
    return path


def raw_safetensors(path, tensors):
    """A safetensors file written byte by byte, for dtypes numpy lacks (BF16): {name: (dtype, shape, bytes)}."""
    header, offset, blobs = {}, 0, []
    for name, (dtype, shape, data) in tensors.items():
        header[name] = {"dtype": dtype, "shape": list(shape), "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
        blobs.append(data)
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))


def bfloat16(array):
    """float32 → (bf16 bytes, the float32 values those bytes stand for), by truncation."""
    bits = array.astype(np.float32).view(np.uint32) >> 16
    return bits.astype("<u2").tobytes(), (bits.astype(np.uint32) << 16).view(np.float32)


def linear_layers(t, canon, layer_prefix, names, bias=False):
    """L layers of PyTorch Linear weights (out × in) named `layer_prefix.format(i) + names[component]`; their
    canonical matrices are the transposes."""
    shapes = {"q": (D, D), "k": (D, D), "v": (D, D), "o": (D, D), "ff1": (FF, D), "ff2": (D, FF)}
    for i in range(L):
        p = layer_prefix.format(i)
        for component, raw in names.items():
            t[p + raw + ".weight"] = r(*shapes[component])
            if bias:
                t[p + raw + ".bias"] = r(shapes[component][0])
            canon[f"layer.{i}.{component}"] = t[p + raw + ".weight"].T


def gpt2(root):
    t, canon = {}, {}
    t["wte.weight"] = r(V, D)
    t["wpe.weight"] = r(12, D)
    for i in range(L):
        t[f"h.{i}.ln_1.weight"] = r(D)
        t[f"h.{i}.attn.c_attn.weight"] = r(D, 3 * D)
        t[f"h.{i}.attn.c_attn.bias"] = r(3 * D)
        t[f"h.{i}.attn.c_proj.weight"] = r(D, D)
        t[f"h.{i}.mlp.c_fc.weight"] = r(D, 4 * D)
        t[f"h.{i}.mlp.c_proj.weight"] = r(4 * D, D)
        fused = t[f"h.{i}.attn.c_attn.weight"]
        canon.update({f"layer.{i}.q": fused[:, :D], f"layer.{i}.k": fused[:, D:2 * D], f"layer.{i}.v": fused[:, 2 * D:],
                      f"layer.{i}.o": t[f"h.{i}.attn.c_proj.weight"], f"layer.{i}.ff1": t[f"h.{i}.mlp.c_fc.weight"],
                      f"layer.{i}.ff2": t[f"h.{i}.mlp.c_proj.weight"]})
    t["ln_f.weight"] = r(D)
    canon.update({"embed": t["wte.weight"], "final_norm": t["ln_f.weight"]})
    # Byte-level BPE vocabulary: Ġ is a space, Ċ a newline; ids 0..V-1.
    pieces = ["!", "the", "Ġthe", "Ġcat", "Ċ", "Ã©", "âĢ"] + [f"tok{i}" for i in range(7, V - 1)]
    vocab = {piece: i for i, piece in enumerate(pieces)}
    tokenizer = {"version": "1.0", "added_tokens": [{"id": V - 1, "content": "<|endoftext|>", "special": True}],
                 "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": False},
                 "decoder": {"type": "ByteLevel"}, "model": {"type": "BPE", "vocab": vocab, "merges": []}}
    write_dir(root, "gpt2", t, {"model_type": "gpt2", "n_head": 2, "n_embd": D, "vocab_size": V},
              {"tokenizer.json": json.dumps(tokenizer)})
    # The same weights under `transformer.`, as float16, with a separate lm_head and only vocab.json.
    half = {f"transformer.{k}": v.astype(np.float16) for k, v in t.items()}
    half["lm_head.weight"] = r(V, D).astype(np.float16)
    write_dir(root, "gpt2-f16", half, None, {"vocab.json": json.dumps(vocab), "merges.txt": "#version: 0.2\n"})
    canon16 = {k: (v.astype(np.float16).astype(np.float32)) for k, v in canon.items()}
    canon16["unembed"] = half["lm_head.weight"].astype(np.float32)
    return {"gpt2": canon, "gpt2-f16": canon16}


def llama(root, name, config, heads, kv_heads, shards):
    t, canon = {}, {}
    head = D // heads
    t["model.embed_tokens.weight"] = r(V, D)
    for i in range(L):
        p = f"model.layers.{i}."
        t[p + "self_attn.q_proj.weight"] = r(D, D)
        t[p + "self_attn.k_proj.weight"] = r(kv_heads * head, D)
        t[p + "self_attn.v_proj.weight"] = r(kv_heads * head, D)
        t[p + "self_attn.o_proj.weight"] = r(D, D)
        t[p + "mlp.gate_proj.weight"] = r(FF, D)
        t[p + "mlp.up_proj.weight"] = r(FF, D)
        t[p + "mlp.down_proj.weight"] = r(D, FF)
        t[p + "input_layernorm.weight"] = r(D)
        for component, raw in {"q": "self_attn.q_proj", "k": "self_attn.k_proj", "v": "self_attn.v_proj",
                               "o": "self_attn.o_proj", "ff1": "mlp.up_proj", "ff1g": "mlp.gate_proj",
                               "ff2": "mlp.down_proj"}.items():
            canon[f"layer.{i}.{component}"] = t[p + raw + ".weight"].T
    t["model.norm.weight"] = r(D)
    t["lm_head.weight"] = r(V, D)
    canon.update({"embed": t["model.embed_tokens.weight"], "final_norm": t["model.norm.weight"], "unembed": t["lm_head.weight"]})
    path = write_dir(root, name, None if shards else t, config)
    if shards:
        names = list(t)
        halves = [names[: len(names) // 2], names[len(names) // 2:]]
        weight_map = {}
        for index, part in enumerate(halves):
            file = f"model-{index + 1:05d}-of-00002.safetensors"
            save_file({n: t[n] for n in part}, os.path.join(path, file))
            weight_map.update({n: file for n in part})
        with open(os.path.join(path, "model.safetensors.index.json"), "w") as f:
            json.dump({"metadata": {"total_size": 0}, "weight_map": weight_map}, f)
    return {name: canon}


def distilbert(root):
    t, canon = {}, {}
    t["distilbert.embeddings.word_embeddings.weight"] = r(V, D)
    linear_layers(t, canon, "distilbert.transformer.layer.{}.", {
        "q": "attention.q_lin", "k": "attention.k_lin", "v": "attention.v_lin", "o": "attention.out_lin",
        "ff1": "ffn.lin1", "ff2": "ffn.lin2"}, bias=True)
    t["vocab_projector.weight"] = r(V, D)
    canon.update({"embed": t["distilbert.embeddings.word_embeddings.weight"], "unembed": t["vocab_projector.weight"]})
    words = "\n".join(["[PAD]", "[UNK]", "hello", "##ing"] + [f"w{i}" for i in range(4, V)]) + "\n"
    write_dir(root, "distilbert", t, {"model_type": "distilbert", "n_heads": 2, "dim": D, "vocab_size": V}, {"vocab.txt": words})
    return {"distilbert": canon}


def t5(root):
    t, canon = {}, {}
    t["shared.weight"] = r(V, D)
    attention = {"q": "q", "k": "k", "v": "v", "o": "o"}
    for stack, prefix, cross in [("enc", "encoder", False), ("dec", "decoder", True)]:
        for i in range(L):
            p = f"{prefix}.block.{i}.layer."
            for component, raw in attention.items():
                t[p + f"0.SelfAttention.{raw}.weight"] = r(D, D)
                canon[f"{stack}.layer.{i}.{component}"] = t[p + f"0.SelfAttention.{raw}.weight"].T
                if cross:
                    t[p + f"1.EncDecAttention.{raw}.weight"] = r(D, D)
                    canon[f"{stack}.layer.{i}.x{component}"] = t[p + f"1.EncDecAttention.{raw}.weight"].T
            ff = p + ("2" if cross else "1") + ".DenseReluDense."
            t[ff + "wi_0.weight"], t[ff + "wi_1.weight"], t[ff + "wo.weight"] = r(FF, D), r(FF, D), r(D, FF)
            canon[f"{stack}.layer.{i}.ff1g"] = t[ff + "wi_0.weight"].T
            canon[f"{stack}.layer.{i}.ff1"] = t[ff + "wi_1.weight"].T
            canon[f"{stack}.layer.{i}.ff2"] = t[ff + "wo.weight"].T
            t[p + "0.layer_norm.weight"] = r(D)
    t["decoder.final_layer_norm.weight"] = r(D)
    t["lm_head.weight"] = r(V, D)
    canon.update({"embed": t["shared.weight"], "unembed": t["lm_head.weight"], "final_norm": t["decoder.final_layer_norm.weight"]})
    pieces = [["<pad>", 0.0], ["</s>", 0.0], ["<unk>", 0.0], ["\u2581the", -1.0]] + [[f"p{i}", -2.0] for i in range(4, V)]
    tokenizer = {"model": {"type": "Unigram", "vocab": pieces}, "decoder": {"type": "Metaspace"}}
    write_dir(root, "t5", t, {"model_type": "t5", "num_heads": 2, "d_model": D, "vocab_size": V},
              {"tokenizer.json": json.dumps(tokenizer)})
    return {"t5": canon}


def bart(root):
    t, canon = {}, {}
    t["model.shared.weight"] = r(V, D)
    for stack, prefix, cross in [("enc", "encoder", False), ("dec", "decoder", True)]:
        for i in range(L):
            p = f"model.{prefix}.layers.{i}."
            parts = [("q", "self_attn.q_proj"), ("k", "self_attn.k_proj"), ("v", "self_attn.v_proj"), ("o", "self_attn.out_proj")]
            if cross:
                parts += [("xq", "encoder_attn.q_proj"), ("xk", "encoder_attn.k_proj"),
                          ("xv", "encoder_attn.v_proj"), ("xo", "encoder_attn.out_proj")]
            for component, raw in parts:
                t[p + raw + ".weight"] = r(D, D)
                canon[f"{stack}.layer.{i}.{component}"] = t[p + raw + ".weight"].T
            t[p + "fc1.weight"], t[p + "fc2.weight"] = r(FF, D), r(D, FF)
            canon[f"{stack}.layer.{i}.ff1"] = t[p + "fc1.weight"].T
            canon[f"{stack}.layer.{i}.ff2"] = t[p + "fc2.weight"].T
    canon["embed"] = t["model.shared.weight"]
    write_dir(root, "bart", t, {"model_type": "bart", "encoder_attention_heads": 2, "d_model": D})
    return {"bart": canon}


def roberta_bf16(root):
    """A RoBERTa-style BERT (prefix `roberta.`, MLM head `lm_head.decoder`) stored in bfloat16."""
    stored, canon = {}, {}

    def add(name, array):
        data, values = bfloat16(array)
        stored[name] = ("BF16", array.shape, data)
        return values

    canon["embed"] = add("roberta.embeddings.word_embeddings.weight", r(V, D))
    for i in range(L):
        for component, raw, shape in [("q", "attention.self.query", (D, D)), ("k", "attention.self.key", (D, D)),
                                      ("v", "attention.self.value", (D, D)), ("o", "attention.output.dense", (D, D)),
                                      ("ff1", "intermediate.dense", (FF, D)), ("ff2", "output.dense", (D, FF))]:
            canon[f"layer.{i}.{component}"] = add(f"roberta.encoder.layer.{i}.{raw}.weight", r(*shape)).T
    canon["unembed"] = add("lm_head.decoder.weight", r(V, D))
    path = write_dir(root, "roberta-bf16", None, {"model_type": "roberta", "num_attention_heads": 2, "vocab_size": V})
    raw_safetensors(os.path.join(path, "model.safetensors"), stored)
    return {"roberta-bf16": canon}


def mpnet(root):
    """MPNet (all-mpnet-base-v2's family): BERT's layout with attention named `attention.attn.q k v o`."""
    t, canon = {"mpnet.embeddings.word_embeddings.weight": r(V, D)}, {}
    linear_layers(t, canon, "mpnet.encoder.layer.{}.", {
        "q": "attention.attn.q", "k": "attention.attn.k", "v": "attention.attn.v", "o": "attention.attn.o",
        "ff1": "intermediate.dense", "ff2": "output.dense"})
    canon["embed"] = t["mpnet.embeddings.word_embeddings.weight"]
    write_dir(root, "mpnet", t, {"model_type": "mpnet", "num_attention_heads": 2})
    return {"mpnet": canon}


def opt(root):
    """OPT: decoder-only with BART-style names under `model.decoder.`."""
    t, canon = {"model.decoder.embed_tokens.weight": r(V, D), "model.decoder.final_layer_norm.weight": r(D)}, {}
    linear_layers(t, canon, "model.decoder.layers.{}.", {
        "q": "self_attn.q_proj", "k": "self_attn.k_proj", "v": "self_attn.v_proj", "o": "self_attn.out_proj",
        "ff1": "fc1", "ff2": "fc2"})
    canon.update({"embed": t["model.decoder.embed_tokens.weight"], "final_norm": t["model.decoder.final_layer_norm.weight"]})
    write_dir(root, "opt", t, {"model_type": "opt", "num_attention_heads": 2})
    return {"opt": canon}


def sentence_transformers_modules(root):
    """An older sentence-transformers directory: the transformer's files in `0_Transformer/`, named by modules.json."""
    t = {"embeddings.word_embeddings.weight": r(V, D), "encoder.layer.0.attention.self.query.weight": r(D, D)}
    path = write_dir(root, "st-modules", None, None, {"modules.json": json.dumps([
        {"idx": 0, "name": "0", "path": "0_Transformer", "type": "sentence_transformers.models.Transformer"},
        {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"}])})
    write_dir(path, "0_Transformer", t, {"model_type": "bert", "num_attention_heads": 2})
    os.makedirs(os.path.join(path, "1_Pooling"), exist_ok=True)
    return {"st-modules": {"embed": t["embeddings.word_embeddings.weight"],
                           "layer.0.q": t["encoder.layer.0.attention.self.query.weight"].T}}


def keras(root):
    """Keras `save_weights` files as transformers' TF classes write them: a DistilBERT (kernels in × out) and a
    GPT-2 (TF Conv1D `weight`, in × out like PyTorch's), each weight listed in its layer's weight_names."""
    import h5py

    def write_h5(name, layer, weights):
        path = os.path.join(root, name)
        os.makedirs(path, exist_ok=True)
        with h5py.File(os.path.join(path, "tf_model.h5"), "w") as f:
            f.attrs["layer_names"] = np.array([layer.encode()])
            group = f.create_group(layer)
            group.attrs["weight_names"] = np.array([n.encode() for n in weights])
            for n, value in weights.items():
                group[n] = value

    scope = "tf_distil_bert_for_masked_lm/distilbert/"
    weights, canon = {scope + "embeddings/word_embeddings/weight:0": r(V, D)}, {}
    for i in range(L):
        for component, raw, shape in [("q", "attention/q_lin", (D, D)), ("k", "attention/k_lin", (D, D)),
                                      ("v", "attention/v_lin", (D, D)), ("o", "attention/out_lin", (D, D)),
                                      ("ff1", "ffn/lin1", (D, FF)), ("ff2", "ffn/lin2", (FF, D))]:
            name = f"{scope}transformer/layer_._{i}/{raw}/kernel:0"
            weights[name] = r(*shape)
            weights[name.replace("kernel", "bias")] = r(shape[1])
            canon[f"layer.{i}.{component}"] = weights[name]
    canon["embed"] = weights[scope + "embeddings/word_embeddings/weight:0"]
    write_h5("keras-distilbert", "distilbert", weights)

    scope = "tfgp_t2lm_head_model/transformer/"
    weights, gcanon = {scope + "wte/weight:0": r(V, D)}, {}
    for i in range(L):
        p = f"{scope}h_._{i}/"
        weights[p + "attn/c_attn/weight:0"] = r(D, 3 * D)
        weights[p + "attn/c_proj/weight:0"] = r(D, D)
        weights[p + "mlp/c_fc/weight:0"] = r(D, 4 * D)
        weights[p + "mlp/c_proj/weight:0"] = r(4 * D, D)
        fused = weights[p + "attn/c_attn/weight:0"]
        gcanon.update({f"layer.{i}.q": fused[:, :D], f"layer.{i}.k": fused[:, D:2 * D], f"layer.{i}.v": fused[:, 2 * D:],
                       f"layer.{i}.o": weights[p + "attn/c_proj/weight:0"], f"layer.{i}.ff1": weights[p + "mlp/c_fc/weight:0"],
                       f"layer.{i}.ff2": weights[p + "mlp/c_proj/weight:0"]})
    weights[scope + "ln_f/gamma:0"] = r(D)
    gcanon.update({"embed": weights[scope + "wte/weight:0"], "final_norm": weights[scope + "ln_f/gamma:0"]})
    write_h5("keras-gpt2", "transformer", weights)
    return {"keras-distilbert": canon, "keras-gpt2": gcanon}


def unknown(root):
    write_dir(root, "unknown", {"encoder.blocks.0.mixer.weight": r(D, D), "head.weight": r(3, D)}, {"model_type": "mamba-ish"})
    return {"unknown": {}}


if __name__ == "__main__":
    out = sys.argv[1]
    reference = {}
    reference.update(gpt2(out))
    reference.update(llama(out, "mistral", {"model_type": "mistral", "num_attention_heads": 4, "num_key_value_heads": 2,
                                            "hidden_size": D, "vocab_size": V}, 4, 2, shards=False))
    reference.update(llama(out, "llama-sharded", None, 4, 1, shards=True))
    reference.update(distilbert(out))
    reference.update(t5(out))
    reference.update(bart(out))
    reference.update(roberta_bf16(out))
    reference.update(mpnet(out))
    reference.update(opt(out))
    reference.update(sentence_transformers_modules(out))
    reference.update(keras(out))
    reference.update(unknown(out))
    json.dump({name: {k: stats(np.asarray(v)) for k, v in canon.items()} for name, canon in reference.items()}, sys.stdout)
