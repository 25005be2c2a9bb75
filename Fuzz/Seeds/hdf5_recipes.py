"""Seed recipes for FuzzHDF5: one small file per mvs layout (a typed group with a few members), encoded as the
harness's Decisions read them (recipe_encoding.py)."""
import pathlib
import sys

from recipe_encoding import Recipe

recipe = Recipe("FuzzHDF5")
name, group, attribute, dataset = recipe.name, recipe.group, recipe.attribute, recipe.dataset

layouts = {
    "clustering": [dataset(1, "labels", [3], 1, [0, 1, 3]), dataset(1, "centroids", [2, 2], 0, [0, 1, 7, 2]),
                   attribute("k", "x", 1)],
    "vectors": [dataset(1, "matrix", [2, 3], 0, [1, 0, 7, 1, 2, 8]), dataset(1, "names", [2], 3, name("a") + name("x"))],
    "table": [dataset(1, "x", [3], 0, [1, 0, 7]), attribute("columns", "x", 1)],
    "model": [dataset(1, "layer.0.q", [2, 2], 0, [1, 0, 7, 1]), attribute("family", "x", 1)],
    "delta": [dataset(1, "q", [2], 0, [1, 0])],
    "record": [dataset(1, "a", [], 1, [2]), attribute("mvs_fields", "a", 1)],
    "list": [dataset(1, "x", [2], 3, name("a") + name("q"))],
}
out = pathlib.Path(sys.argv[1])
out.mkdir(parents=True, exist_ok=True)
for layout, members in layouts.items():
    steps = group(0, layout) + attribute("mvs_type", layout, 1) + [byte for member in members for byte in member]
    (out / f"{layout}.recipe").write_bytes(bytes(steps))
