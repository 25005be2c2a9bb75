"""Shared fixtures for interop tests: the built mvs binary, the real-model cache, a temp dir."""
import os
import pathlib
import subprocess

import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]
MVS = os.environ.get("MVS_BIN", str(REPO / ".build" / "debug" / "mvs"))
MODELS = pathlib.Path(os.environ.get("MVS_MODELS", os.path.expanduser("~/.cache/mvs/models")))


def run_mvs(*args, stdin=None, cwd=None, check=True):
    """Runs the real mvs binary; returns the CompletedProcess (text mode)."""
    result = subprocess.run([MVS, *args], input=stdin, cwd=cwd, capture_output=True, text=True, timeout=600)
    if check and result.returncode != 0:
        raise AssertionError(f"mvs {args} exited {result.returncode}\nstdout:\n{result.stdout}\nstderr:\n{result.stderr}")
    return result


@pytest.fixture
def mvs():
    return run_mvs


@pytest.fixture
def minilm_dir():
    path = MODELS / "minilm"
    assert (path / "model.safetensors").exists(), f"run scripts/fetch-models first ({path})"
    return path


@pytest.fixture
def categorium_dir():
    path = MODELS / "categorium"
    assert (path / "en" / "tf_model.h5").exists(), f"run scripts/fetch-models first ({path})"
    return path
