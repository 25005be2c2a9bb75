// The names FuzzKeras's recipes draw from: the attributes Keras `save_weights` writes and weight names of the
// families mvs recognises, in Keras's spelling. Fuzz/Seeds/keras_recipes.py encodes its seeds against this list.

let recipeNames = [
    "layer_names", "weight_names", "backend", "keras_version", "tensorflow", "2.12.0", "bert", "classifier",
    "tf/bert/embeddings/word_embeddings/weight:0", "tf/bert/embeddings/position_embeddings/embeddings:0",
    "tf/bert/embeddings/token_type_embeddings/embeddings:0", "tf/bert/embeddings/LayerNorm/gamma:0",
    "tf/bert/encoder/layer_._0/attention/self/query/kernel:0", "tf/bert/encoder/layer_._0/attention/self/query/bias:0",
    "tf/bert/encoder/layer_._0/attention/self/key/kernel:0", "tf/bert/encoder/layer_._0/attention/self/value/kernel:0",
    "tf/bert/encoder/layer_._0/attention/output/dense/kernel:0", "tf/bert/encoder/layer_._0/attention/output/LayerNorm/gamma:0",
    "tf/bert/encoder/layer_._0/intermediate/dense/kernel:0", "tf/bert/encoder/layer_._0/output/dense/kernel:0",
    "tf/bert/encoder/layer_._0/output/LayerNorm/gamma:0", "tf/bert/encoder/layer_._1/attention/self/query/kernel:0",
    "tf/bert/encoder/layer_._1/intermediate/dense/kernel:0", "tf/bert/pooler/dense/kernel:0", "tf/classifier/kernel:0",
    "tf/transformer/wte/weight:0", "tf/transformer/h_._0/attn/c_attn/weight:0", "tf/transformer/h_._0/mlp/c_fc/weight:0",
    "tf/distilbert/transformer/layer_._0/attention/q_lin/kernel:0", "x", "a", "",
]
