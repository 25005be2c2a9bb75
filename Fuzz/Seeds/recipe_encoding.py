"""Encodes HDF5 recipes as Fuzz/Recipes/Recipe.swift's Decisions read them, for the seed scripts of the recipe
harnesses (FuzzHDF5, FuzzKeras). Names are looked up in the harness's RecipeNames.swift, so seeds follow its list."""
import pathlib
import re


class Recipe:
    def __init__(self, harness):
        source = pathlib.Path(__file__).resolve().parents[1] / "Harnesses" / harness / "RecipeNames.swift"
        body = source.read_text().split("let recipeNames = [")[1].split("\n]")[0]
        self.names = [n.encode().decode("unicode_escape") for n in re.findall(r'"((?:[^"\\]|\\.)*)"', body)]

    def name(self, text):
        return [0, self.names.index(text)]

    def group(self, parent, text):
        """A group named `text` under the group at index `parent` of the groups made so far ("" is 0)."""
        return [0, parent] + self.name(text)

    def attribute(self, key, value, on):
        """A string attribute on the object at index `on` of the objects made so far ("" is 0)."""
        return [2] + self.name(key) + [0, 0] + self.name(value) + [on]

    def string_list(self, key, values, on):
        """A string-list attribute (at most four strings, as the recipe draws them)."""
        assert len(values) <= 4
        return [2] + self.name(key) + [len(values), 1] + [byte for value in values for byte in self.name(value)] + [on]

    def dataset(self, parent, text, shape, kind, values):
        """A dataset of `kind` (0 numbers, 1 integers, 2 booleans, 3 names) and `shape`. Numbers and integers are
        indices into the recipe's lists of them; each takes two bytes, because Swift builds the list (drawing a byte
        for its last, computed entry) before `pick` draws the index."""
        if kind in (0, 1):
            values = [byte for value in values for byte in (0, value)]
        return [1, parent] + self.name(text) + [len(shape)] + shape + [kind] + values + [1]
