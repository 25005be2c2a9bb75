"""Registers the mvs kernelspec: `python -m mvs_kernel.install [--user | --prefix DIR | --sys-prefix] [--mvs PATH]`.

The kernel.json written runs this Python with this package (by absolute path, so nothing needs to be
pip-installed) and the mvs binary given, or found, at install time.
"""
import argparse
import json
import os
import pathlib
import shutil
import sys
import tempfile

from jupyter_client.kernelspec import KernelSpecManager

PACKAGE_PARENT = pathlib.Path(__file__).resolve().parent.parent
REPO = PACKAGE_PARENT.parent


def find_mvs(given):
    """The mvs binary: the one given, else this repository's release then debug build, else `mvs` on PATH."""
    candidates = [given] if given else [str(REPO / ".build" / "release" / "mvs"), str(REPO / ".build" / "debug" / "mvs"),
                                        shutil.which("mvs")]
    for candidate in candidates:
        if candidate and os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return os.path.abspath(candidate)
    raise SystemExit(f"mvs_kernel.install: no mvs binary at {given}" if given else
                     "mvs_kernel.install: no mvs binary found; build one (scripts/setup --release) or pass --mvs PATH")


def kernel_json(mvs):
    """The kernelspec: this Python runs the package, which starts `mvs --kernel-protocol`."""
    return {
        "argv": [sys.executable, "-m", "mvs_kernel", "--mvs", mvs, "-f", "{connection_file}"],
        "display_name": "mvs",
        "language": "mvs",
        "interrupt_mode": "signal",
        "env": {"PYTHONPATH": str(PACKAGE_PARENT)},
        "metadata": {"file_extension": ".mvs"},
    }


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m mvs_kernel.install", description="Register the mvs Jupyter kernel.")
    parser.add_argument("--mvs", help="the mvs binary (default: this repository's build, else mvs on PATH)")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--user", action="store_true", help="for the current user (the default)")
    where.add_argument("--prefix", help="under PREFIX/share/jupyter/kernels")
    where.add_argument("--sys-prefix", action="store_true", help="in this Python environment")
    arguments = parser.parse_args(argv)
    mvs = find_mvs(arguments.mvs)
    prefix = sys.prefix if arguments.sys_prefix else arguments.prefix
    with tempfile.TemporaryDirectory() as folder:
        with open(os.path.join(folder, "kernel.json"), "w") as file:
            json.dump(kernel_json(mvs), file, indent=2)
        logo = pathlib.Path(__file__).resolve().parent / "logo-svg.svg"
        if logo.exists():
            shutil.copy(logo, folder)
        destination = KernelSpecManager().install_kernel_spec(folder, "mvs", user=prefix is None, prefix=prefix)
    print(f"installed the mvs kernel in {destination} (mvs: {mvs})")


if __name__ == "__main__":
    main()
