"""Peer: start-up of the Python glue (imports a researcher's script needs)."""
import numpy, safetensors, h5py, sklearn  # noqa: F401
print(1)
