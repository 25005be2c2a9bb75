"""Seed recipes for FuzzKeras: small `tf_model.h5` layouts as Keras `save_weights` writes them (root `layer_names`,
each layer group's `weight_names`, a dataset per weight under its layer), encoded as the harness's Decisions read
them (recipe_encoding.py)."""
import pathlib
import sys

from recipe_encoding import Recipe

recipe = Recipe("FuzzKeras")
group, attribute, string_list, dataset = recipe.group, recipe.attribute, recipe.string_list, recipe.dataset
BERT = "tf/bert/encoder/layer_._0/"


def keras(layers):
    """Layer groups (name → [(weight name, shape)]), listed at the root and filled with small numbers."""
    steps = [byte for layer in layers for byte in group(0, layer)]
    steps += string_list("layer_names", list(layers), 0) + attribute("backend", "tensorflow", 0)
    steps += attribute("keras_version", "2.12.0", 0)
    for index, (layer, weights) in enumerate(layers.items(), start=1):
        steps += string_list("weight_names", [weight for weight, _ in weights], index)
    for index, (layer, weights) in enumerate(layers.items(), start=1):
        for weight, shape in weights:
            count = 1
            for size in shape:
                count *= size
            steps += dataset(index, weight, shape, 0, [(1, 0, 7, 2)[i % 4] for i in range(count)])
    return steps


seeds = {
    # One BERT layer, hidden 2, feed-forward 4, vocabulary 4.
    "bert": keras({
        "bert": [("tf/bert/embeddings/word_embeddings/weight:0", [4, 2]), (BERT + "attention/self/query/kernel:0", [2, 2]),
                 (BERT + "attention/self/key/kernel:0", [2, 2]), (BERT + "attention/self/value/kernel:0", [2, 2])],
        "classifier": [(BERT + "attention/output/dense/kernel:0", [2, 2]), (BERT + "intermediate/dense/kernel:0", [2, 4]),
                       (BERT + "output/dense/kernel:0", [4, 2]), ("tf/classifier/kernel:0", [2, 3])],
    }),
    # One GPT-2 block, hidden 1.
    "gpt2": keras({"x": [("tf/transformer/wte/weight:0", [4, 1]), ("tf/transformer/h_._0/attn/c_attn/weight:0", [1, 3]),
                         ("tf/transformer/h_._0/mlp/c_fc/weight:0", [1, 4])]}),
    # No Keras metadata: every dataset, named by its path.
    "bare": dataset(0, "tf/bert/embeddings/word_embeddings/weight:0", [4, 2], 0, [1, 0, 7, 2] * 2),
}
out = pathlib.Path(sys.argv[1])
out.mkdir(parents=True, exist_ok=True)
for seed, steps in seeds.items():
    (out / f"{seed}.recipe").write_bytes(bytes(steps))
