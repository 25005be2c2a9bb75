"""The Jupyter kernel against real Jupyter: the jupyter_kernel_test conformance suite, the example notebook
executed by `jupyter nbconvert --execute`, interrupts, bad input, and an mvs process that crashes."""
import atexit
import os
import pathlib
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

import h5py
import numpy as np
import jupyter_kernel_test
import nbformat
import pytest
from jupyter_client.manager import start_new_kernel
from safetensors import safe_open

from conftest import MODELS, MVS, REPO, run_mvs

NOTEBOOK = REPO / "examples" / "tour.ipynb"
_installed = {}


def kernel_data_dir():
    """Installs the kernelspec once, with the documented command, into a temporary JUPYTER_DATA_DIR that this
    test process (and the kernels and nbconvert it starts) then uses."""
    if "dir" not in _installed:
        folder = tempfile.mkdtemp(prefix="mvs-jupyter-")
        atexit.register(shutil.rmtree, folder, True)
        env = dict(os.environ, PYTHONPATH=str(REPO / "jupyter"), JUPYTER_DATA_DIR=folder)
        subprocess.run([sys.executable, "-m", "mvs_kernel.install", "--user", "--mvs", MVS], env=env, check=True,
                       capture_output=True)
        os.environ["JUPYTER_DATA_DIR"] = folder
        _installed["dir"] = folder
    return _installed["dir"]


class TestConformance(jupyter_kernel_test.KernelTests):
    """The standard kernel conformance suite (execute, stdout, errors, completion, inspection, is_complete)."""

    kernel_name = "mvs"
    language_name = "mvs"
    file_extension = ".mvs"
    code_hello_world = 'print("hello, world")'
    completion_samples = [{"text": "pri", "matches": {"print"}}, {"text": "clus", "matches": {"cluster"}},
                          {"text": "zzq", "matches": set()}]
    complete_code_samples = ["1 + 2", "x = [1, 2]", "fn f(a) = a * 2", "for x in [1] { print(x) }"]
    incomplete_code_samples = ["f(1,", "for x in [1, 2] {", '"an open string', "1 +"]
    invalid_code_samples = ["1 + * 2", ")"]
    code_inspect_sample = "rank"
    code_generate_error = "rnak(1)"
    code_execute_result = [{"code": "6 * 7", "result": "42"},
                           {"code": "table(a=[1.5, 22.25])", "mime": "text/html"}]
    code_display_data = [{"code": "show(table(a=[1]))", "mime": "text/html"},
                         {"code": 'plot(table(layer=[0, 1, 2], component=["q", "q", "q"], erank=[3, 2, 1]))',
                          "mime": "image/svg+xml"}]

    @classmethod
    def setUpClass(cls):
        kernel_data_dir()
        super().setUpClass()


@pytest.fixture
def kernel():
    kernel_data_dir()
    manager, client = start_new_kernel(kernel_name="mvs")
    yield manager, client
    client.stop_channels()
    manager.shutdown_kernel(now=True)


def execute(client, code, timeout=30):
    """Runs a cell; returns (reply content, [(msg_type, content)] of its outputs)."""
    msg_id = client.execute(code)
    return collect(client, msg_id, timeout)


def collect(client, msg_id, timeout=30):
    outputs = []
    while True:
        message = client.get_iopub_msg(timeout=timeout)
        if message["parent_header"].get("msg_id") != msg_id:
            continue
        kind = message["msg_type"]
        if kind == "status" and message["content"]["execution_state"] == "idle":
            break
        if kind in ("stream", "display_data", "update_display_data", "execute_result", "error"):
            outputs.append((kind, message["content"]))
    while True:
        reply = client.get_shell_msg(timeout=timeout)
        if reply["parent_header"].get("msg_id") == msg_id:
            return reply["content"], outputs


def stdout_of(outputs):
    return "".join(content["text"] for kind, content in outputs if kind == "stream" and content["name"] == "stdout")


def repl_message(code):
    """The message of the diagnostic the REPL's one-line runner prints for `code`."""
    result = run_mvs("-c", code, check=False)
    assert result.returncode == 70, result.stderr
    return re.sub(r"^<-c>:\d+:\d+: error: ", "", result.stderr.splitlines()[0])


def test_execution_count_ans_and_semicolon(kernel):
    _, client = kernel
    info = shell_reply(client, client.kernel_info())
    assert info["language_info"]["file_extension"] == ".mvs" and info["supported_features"] == []
    reply, outputs = execute(client, "x = 20\nx + 1")
    assert reply["status"] == "ok"
    results = [content for kind, content in outputs if kind == "execute_result"]
    assert [r["data"]["text/plain"] for r in results] == ["21"]
    assert results[0]["execution_count"] == reply["execution_count"]
    reply2, outputs = execute(client, "ans * 2;")
    assert reply2["execution_count"] == reply["execution_count"] + 1
    assert outputs == []
    # As in the REPL, only an echoed value becomes `ans`.
    _, outputs = execute(client, "print(ans, ans * 2)")
    assert stdout_of(outputs) == "21 42\n"


def shell_reply(client, msg_id):
    reply = client.get_shell_msg(timeout=10)
    while reply["parent_header"].get("msg_id") != msg_id:
        reply = client.get_shell_msg(timeout=10)
    return reply["content"]


def test_completion_sees_variables_attributes_and_file_names(kernel, tmp_path):
    _, client = kernel
    execute(client, 'my_table = table(alpha=[1], beta=["b"])')
    reply = shell_reply(client, client.complete("x = my_t", 8))
    assert reply["matches"] == ["my_table"]
    assert (reply["cursor_start"], reply["cursor_end"]) == (4, 8)
    reply = shell_reply(client, client.complete("my_table.al", 11))
    assert reply["matches"] == ["my_table.alpha"]

    (tmp_path / "models").mkdir()
    (tmp_path / "model.txt").write_text("")
    (tmp_path / "other").write_text("")
    code = f'm = load("{tmp_path}/mo'
    reply = shell_reply(client, client.complete(code, len(code)))
    assert reply["matches"] == [f"{tmp_path}/model.txt", f"{tmp_path}/models/"]
    assert (reply["cursor_start"], reply["cursor_end"]) == (len('m = load("'), len(code))


def test_exit_ends_the_session_and_the_next_cell_starts_afresh(kernel):
    _, client = kernel
    reply, _ = execute(client, "gone = 1\nexit()")
    assert reply["status"] == "ok" and reply["payload"][0]["source"] == "ask_exit"
    reply, _ = execute(client, "gone")
    assert reply["status"] == "error" and reply["evalue"].startswith("unknown name 'gone'")
    _, outputs = execute(client, "print(1 + 1)")
    assert stdout_of(outputs) == "2\n"


def test_inspect_inside_a_call_shows_the_registry_help(kernel):
    _, client = kernel
    code = "cluster(v, "
    reply = {"content": shell_reply(client, client.inspect(code, len(code)))}
    text = reply["content"]["data"]["text/plain"]
    help_text = run_mvs("-c", 'help("cluster")').stdout
    assert reply["content"]["found"] and text.strip() == help_text.strip()


@pytest.mark.parametrize("code", ["i = 0\nwhile true { i = i + 1 }", "while true { r = rank(base, layers=[0, 1, 2, 3, 4, 5]) }"])
def test_interrupt_stops_the_cell_quickly_and_keeps_variables(kernel, minilm_dir, code):
    manager, client = kernel
    reply, _ = execute(client, f'kept = 7\nbase = load("{minilm_dir}")')
    assert reply["status"] == "ok"
    msg_id = client.execute(code)
    time.sleep(1.0)
    started = time.monotonic()
    manager.interrupt_kernel()
    reply, outputs = collect(client, msg_id, timeout=20)
    elapsed = time.monotonic() - started
    assert reply["status"] == "error" and reply["ename"] == "Interrupted", reply
    assert "variables are kept" in reply["traceback"][0]
    print(f"interrupt: {elapsed:.3f} s")
    assert elapsed < 1.0, f"the interrupt took {elapsed:.2f} s"
    _, outputs = execute(client, "print(kept, base.name)")
    assert stdout_of(outputs) == f"7 {minilm_dir.name}\n"


def test_progress_is_one_display_redrawn_in_place(kernel, minilm_dir):
    _, client = kernel
    execute(client, f'base = load("{minilm_dir}")')
    started = time.monotonic()
    reply, outputs = execute(client, "r = rank(base)")
    if time.monotonic() - started < 0.6:
        pytest.skip("rank finished before progress is shown (0.5 s)")
    progress = [(kind, content) for kind, content in outputs if kind in ("display_data", "update_display_data")]
    assert reply["status"] == "ok" and progress and progress[0][0] == "display_data"
    ids = {content["transient"]["display_id"] for _, content in progress}
    assert len(ids) == 1 and all(kind == "update_display_data" for kind, _ in progress[1:])
    assert re.fullmatch(r"rank: 36 steps in [0-9.]+ s", progress[-1][1]["data"]["text/plain"])
    assert len(progress) >= 2 and '<progress value="' in progress[0][1]["data"]["text/html"]


def test_bad_input_gives_the_repls_diagnostic_and_the_kernel_survives(kernel, minilm_dir, tmp_path):
    _, client = kernel
    execute(client, "kept = 3")
    reply, outputs = execute(client, "y = rnak(kept)")
    errors = [content for kind, content in outputs if kind == "error"]
    assert reply["status"] == "error" and len(errors) == 1
    assert errors[0]["evalue"] == repl_message("y = rnak(kept)") == "unknown name 'rnak'; did you mean 'rank'?"
    assert errors[0]["traceback"][1:] == ["y = rnak(kept)", "    ^~~~"]

    truncated = tmp_path / "truncated.safetensors"
    truncated.write_bytes((minilm_dir / "model.safetensors").read_bytes()[:5000])
    code = f'm = load("{truncated}")'
    reply, outputs = execute(client, code)
    assert reply["status"] == "error"
    assert reply["evalue"] == repl_message(code)
    assert str(truncated) in reply["evalue"]
    _, outputs = execute(client, "print(kept + 1)")
    assert stdout_of(outputs) == "4\n"


def mvs_child(manager):
    """The mvs process the kernel started."""
    pid = manager.provisioner.process.pid
    children = []
    for task in pathlib.Path(f"/proc/{pid}/task").iterdir():
        children += (task / "children").read_text().split()
    found = [int(child) for child in children if pathlib.Path(f"/proc/{child}/exe").resolve() == pathlib.Path(MVS).resolve()]
    assert len(found) == 1, children
    return found[0]


def test_a_crashed_mvs_is_reported_as_a_dead_kernel_not_a_hang(kernel):
    manager, client = kernel
    execute(client, "x = 1")
    msg_id = client.execute("while true { x = x + 1 }")
    time.sleep(0.5)
    os.kill(mvs_child(manager), signal.SIGSEGV)
    started = time.monotonic()
    reply, outputs = collect(client, msg_id, timeout=20)
    errors = [content for kind, content in outputs if kind == "error"]
    assert reply["status"] == "error" and errors and errors[0]["ename"] == "DeadKernel"
    assert "mvs was killed by signal SIGSEGV" in errors[0]["evalue"]
    while manager.is_alive() and time.monotonic() - started < 15:
        time.sleep(0.2)
    assert not manager.is_alive(), "the kernel should end when mvs is gone"


@pytest.fixture(scope="module")
def tour_zoo(tmp_path_factory):
    """Four fine-tunes of the real MiniLM in two tasks (scripts/make-zoo, as scripts/tour makes twelve)."""
    folder = tmp_path_factory.mktemp("zoo") / "zoo"
    subprocess.run([sys.executable, str(REPO / "scripts" / "make-zoo"), "--base", str(MODELS / "minilm"), "--out", str(folder),
                    "--tasks", "2", "--per-task", "2"], check=True, capture_output=True)
    return folder / "manifest.csv"


def test_example_notebook_runs_with_inline_plots_html_tables_and_a_caret(tmp_path, tour_zoo, minilm_dir):
    kernel_data_dir()
    jupyter = pathlib.Path(sys.executable).parent / "jupyter"
    env = dict(os.environ, MVS_MODELS=str(MODELS), MVS_ZOO=str(tour_zoo), MVS_OUT=str(tmp_path))
    subprocess.run([str(jupyter), "nbconvert", "--to", "notebook", "--execute", str(NOTEBOOK), "--output-dir", str(tmp_path),
                    "--output", "executed", "--ExecutePreprocessor.timeout=300"], env=env, check=True, capture_output=True)
    notebook = nbformat.read(tmp_path / "executed.ipynb", as_version=4)
    cells = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert all(cell.execution_count for cell in cells)

    def data(cell, mime):
        return [output["data"][mime] for output in cell.outputs if mime in output.get("data", {})]

    for cell in cells:
        errors = [output for output in cell.outputs if output.output_type == "error"]
        assert bool(errors) == ("raises-exception" in cell.metadata.get("tags", [])), cell.source
        if cell.source.startswith("plot("):
            assert len(data(cell, "image/svg+xml")) == 1 and "<svg " in data(cell, "image/svg+xml")[0]
        if cell.source.startswith("project(") or "show(" in cell.source:
            assert data(cell, "text/html"), cell.source
    error_cell = next(cell for cell in cells if cell.source == "rnak(base)")
    traceback = error_cell.outputs[0]["traceback"]
    assert traceback[1:] == ["rnak(base)", "^~~~"] and traceback[0].endswith("unknown name 'rnak'; did you mean 'rank'?")
    assert "still here: minilm 4 models" in "".join(o.get("text", "") for c in cells for o in c.outputs)

    # The HTML grid has the terminal's cells (same rounding), numbers right-aligned.
    rank_cell = next(cell for cell in cells if 'show(r, "erank")' in cell.source)
    html = data(rank_cell, "text/html")[-1]
    terminal = run_mvs("-c", f'show(rank(load("{minilm_dir}")), "erank")').stdout.split()
    html_cells = re.findall(r'<t[hd] style="text-align: (?:right|left)">([^<]*)</t[hd]>', html)
    assert html_cells == terminal
    assert '<td style="text-align: right">' in html and '<td style="text-align: left">' not in html

    # Independently: layer 0's query matrix, erank = exp(H(σ/Σσ)) with numpy, at the grid's one decimal.
    with safe_open(str(minilm_dir / "model.safetensors"), "np") as weights:
        sigma = np.linalg.svd(weights.get_tensor("encoder.layer.0.attention.self.query.weight").astype(np.float64), compute_uv=False)
    p = sigma / sigma.sum()
    assert html_cells[html_cells.index("0") + 1] == f"{np.exp(-(p * np.log(p)).sum()):.1f}"

    # The export cell wrote what h5py reads: 4 vectors, clustered by task as the zoo's manifest says.
    with h5py.File(tmp_path / "tour.h5", "r") as exported:
        assert exported["vectors/matrix"].shape == (4, 512)
        names = list(exported["clusters/names"].asstr()[:])
        labels = dict(zip(names, exported["clusters/labels"][:]))
    tasks = {line.split(",")[1]: line.split(",")[2] for line in tour_zoo.read_text().splitlines()[1:]}
    assert all((labels[a] == labels[b]) == (tasks[a] == tasks[b]) for a in tasks for b in tasks)
