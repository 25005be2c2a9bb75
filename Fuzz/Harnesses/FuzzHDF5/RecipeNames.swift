// The names FuzzHDF5's recipes draw from: attribute values, dataset names and `mvs_type` values the importer and
// its layouts look for. Fuzz/Seeds/hdf5_recipes.py encodes its seeds against this list, in this order.

let recipeNames = [
    "mvs_type", "mvs_fields", "mvs_vocabulary", "record", "list", "table", "model", "delta", "vectors", "clustering",
    "tensor", "columns", "matrices", "axes", "attachments", "orig_dtype", "component", "stack", "layer", "config",
    "names", "family", "layers", "width", "feed_forward", "heads", "kv_heads", "name", "source", "only_in_left",
    "only_in_right", "matrix", "labels", "statistic", "kind", "k", "centroids", "true_labels", "method", "silhouette",
    "ari", "nmi", "purity", "inertia", "raw", "canonical", "features", "similarity", "f16", "bf16", "f32", "i64",
    "bool", "q", "layer.0.q", "{}", "{\"model_type\": \"bert\"}", "x", "a", "",
]
