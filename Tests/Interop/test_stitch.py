"""Zero-shot stitching through the mvs binary: the translation and the stitched forward pass against numpy, then
the paper's experiment on two real models that share a vocabulary (all-MiniLM-L6-v2 and paraphrase-MiniLM-L3-v2)
with a scikit-learn classifier trained here."""
import json
import shutil

import h5py
import numpy as np
import pytest
from safetensors.numpy import load_file

from conftest import MODELS, run_mvs
from test_forward import bert_layers, bert_states, read_vocab, wordpiece

PARAPHRASE = MODELS / "paraphrase-minilm-onnx" / "paraphrase-MiniLM-L3-v2.onnx"

# Three clearly separable topics, ten sentences each: the first five of each train, the last five test.
TOPICS = {
    "sport": [
        "The striker scored twice in the second half of the football match.",
        "Our basketball team won the championship after a tense final game.",
        "She ran the marathon in under three hours and broke her record.",
        "The tennis player served an ace to win the tournament.",
        "Fans cheered as the goalkeeper saved the penalty kick.",
        "The cyclist climbed the mountain stage and took the yellow jersey.",
        "He trains at the gym every morning before the swimming race.",
        "The coach picked a new captain for the rugby season.",
        "The baseball pitcher threw a perfect game last night.",
        "The referee showed a red card and the stadium went quiet.",
    ],
    "cooking": [
        "Chop the onions finely and fry them in butter until golden.",
        "Bake the bread at a high temperature for forty minutes.",
        "Add a pinch of salt and stir the soup over low heat.",
        "The recipe calls for fresh basil, garlic and olive oil.",
        "Whisk the eggs with sugar before folding in the flour.",
        "Simmer the tomato sauce slowly and season it with pepper.",
        "Roast the chicken with lemon and rosemary in the oven.",
        "Knead the dough and let it rise in a warm kitchen.",
        "Grill the vegetables and drizzle them with balsamic vinegar.",
        "Melt the chocolate gently and pour it over the cake.",
    ],
    "computing": [
        "The program crashed because of a memory leak in the server.",
        "Install the latest software update to fix the security bug.",
        "The database query was slow until we added an index.",
        "He wrote a Python script to parse the log files.",
        "The laptop's processor and graphics card overheat under load.",
        "Compile the source code and run the unit tests again.",
        "The network router dropped packets during the upload.",
        "Our web application stores user data in the cloud.",
        "The operating system kernel schedules threads on each core.",
        "She debugged the compiler error in the header file.",
    ],
}


def paraphrase_dir(target):
    """The ONNX file in a folder with MiniLM's vocabulary and a config (the file itself has neither): 3 layers × 384,
    12 heads, as the sentence-transformers model card states."""
    minilm = MODELS / "minilm"
    target.mkdir(exist_ok=True)
    (target / "model.onnx").symlink_to(PARAPHRASE)
    shutil.copy(minilm / "vocab.txt", target / "vocab.txt")
    config = json.loads((minilm / "config.json").read_text())
    config["num_hidden_layers"] = 3
    (target / "config.json").write_text(json.dumps(config))
    return target


def test_translation_and_stitched_states_match_numpy(minilm_dir, tmp_path):
    """MiniLM's first two blocks stitched onto paraphrase-MiniLM-L3's last block, against a float64 numpy BERT and
    numpy's pinv; and MiniLM stitched onto itself reproduces its own states (E·E⁺ = I)."""
    import onnx
    from onnx import numpy_helper

    l3 = paraphrase_dir(tmp_path / "l3")
    text = "The cat sat on the mat."
    out = tmp_path / "stitch.h5"
    run_mvs("-c", f'a = load("{minilm_dir}")\nb = load("{l3}")\n'
                  f'export("{out}", s=hidden(stitch(a, b, 2), "{text}"), self=hidden(stitch(a, a, 3), "{text}"),\n'
                  f'       a=hidden(a, "{text}"), b=hidden(b, "{text}"), t=tokens(a, "{text}"))')
    wa = {k: v.astype(np.float64) for k, v in load_file(str(minilm_dir / "model.safetensors")).items()}
    # The ONNX file's named initializers and MatMul weights (stored x·W, i.e. transposed from PyTorch's out × in).
    graph = onnx.load(str(PARAPHRASE)).graph
    stored = {i.name: numpy_helper.to_array(i).astype(np.float64) for i in graph.initializer}
    matmuls = {node.name: stored[node.input[1]] for node in graph.node if node.op_type == "MatMul" and node.input[1] in stored}
    prefix = "model.0.auto_model."

    def wb(name):
        if name.endswith(".weight"):
            path = "/model/model.0/auto_model/" + name[:-len(".weight")].replace(".", "/").replace("layer/", "layer.") + "/MatMul"
            if path in matmuls:
                return matmuls[path].T
        return stored[prefix + name]

    vocab = read_vocab(minilm_dir / "vocab.txt")
    ids = wordpiece(text, vocab)
    ea, eb = wa["embeddings.word_embeddings.weight"], wb("embeddings.word_embeddings.weight")
    translation = ea.T @ np.linalg.pinv(eb).T
    states_a = bert_states(lambda n: wa[n], ea[ids], 2, 12, 1e-12)[0]
    x = states_a[-1] @ translation
    expected = list(states_a)
    # L3's block 2 alone: its weights under the names of a one-layer encoder.
    expected.append(bert_layers(lambda n: wb(n.replace("encoder.layer.0.", "encoder.layer.2.")), x, 1, 12, 1e-12)[0][-1])
    with h5py.File(out) as f:
        assert list(f["t/id"][()]) == ids
        got = f["s"][()]
        assert got.shape == (4, len(ids), 384)
        for layer in range(4):
            error = np.abs(got[layer] - expected[layer]).max() / np.abs(expected[layer]).max()
            assert error < 1e-3, f"state {layer}: relative max error {error}"
        np.testing.assert_allclose(f["self"][()], f["a"][()], atol=1e-4)
        # The unstitched L3 itself agrees with onnxruntime running the exported graph.
        import onnxruntime as ort
        session = ort.InferenceSession(str(PARAPHRASE))
        tokens = session.run(["onnx::Shape_422"], {"input_ids": np.array([ids]), "attention_mask": np.ones((1, len(ids)), np.int64)})[0][0]
        np.testing.assert_allclose(f["b"][()][-1], tokens, atol=2e-4)


def test_zero_shot_stitching_accuracy_by_k(minilm_dir, tmp_path):
    """A logistic-regression head trained on each model's mean-pooled last states, then fed the states of stitched
    models whose first k blocks come from the other model (no training after stitching)."""
    from sklearn.linear_model import LogisticRegression

    l3 = paraphrase_dir(tmp_path / "l3")
    sentences = [s for topic in TOPICS.values() for s in topic]
    labels = np.repeat(np.arange(len(TOPICS)), 10)
    train = np.tile(np.arange(10) < 5, len(TOPICS))
    out = tmp_path / "features.h5"
    script = tmp_path / "stitch.mvs"
    lines = [f'a = load("{minilm_dir}")', f'b = load("{l3}")', f"texts = {json.dumps(sentences)}",
             "fn features(m) = stack(map(texts, fn(t) = mean(hidden(m, t)[-1], axis=0)))"]
    configs = {"a": "a", "b": "b"}
    for k in range(4):
        configs[f"b{k}_a"] = f"stitch(b, a, {k})"   # first k blocks of L3, then L6 from block k
        configs[f"a{k}_b"] = f"stitch(a, b, {k})"   # first k blocks of L6, then L3 from block k
    lines.append(f'export("{out}", ' + ", ".join(f"{name}=features({expr})" for name, expr in configs.items()) + ")")
    script.write_text("\n".join(lines) + "\n")
    run_mvs(str(script))
    with h5py.File(out) as f:
        features = {name: f[name][()] for name in configs}
    accuracy = {}
    for head, other in (("a", "b"), ("b", "a")):
        classifier = LogisticRegression(max_iter=2000).fit(features[head][train], labels[train])
        accuracy[head] = classifier.score(features[head][~train], labels[~train])
        for k in range(4):
            name = f"{other}{k}_{head}"
            accuracy[name] = classifier.score(features[name][~train], labels[~train])
    print(json.dumps(accuracy))
    chance = 1 / len(TOPICS)
    # The unstitched models separate the topics; k = 0 (only the other model's embeddings, translated) stays far
    # above chance for both heads.
    assert accuracy["a"] >= 0.9 and accuracy["b"] >= 0.9
    assert accuracy["b0_a"] > chance + 0.3 and accuracy["a0_b"] > chance + 0.3
