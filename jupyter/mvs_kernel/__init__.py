"""The mvs Jupyter kernel: an ipykernel wrapper around one long-lived `mvs --kernel-protocol` process."""

__version__ = "0.1.0"
