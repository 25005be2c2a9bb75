"""Sharded zoo studies on one machine: tasks one after another or with xargs -P, merge, resume, refusals."""
import os
import shutil
import signal
import subprocess
import time

import h5py
import numpy as np
import pandas as pd
import pytest

from conftest import MVS, run_mvs
from study_support import assert_matches_single_process, make_zoo, single_process, text


@pytest.fixture(scope="module")
def zoo(tmp_path_factory):
    return make_zoo(tmp_path_factory.mktemp("study-zoo") / "zoo")


def init(study, zoo, *extra):
    run_mvs("study", "init", str(study), "--zoo", f"{zoo}/manifest.csv", "--base", f"{zoo}/base", "--shards", "4",
            "--gram-shards", "2", "--rank", "--spectra", "--profiles", "rel", *extra)


def test_xargs_shards_merge_to_the_single_process_result(zoo, tmp_path):
    study = tmp_path / "study"
    init(study, zoo)
    # The laptop workflow: the same tasks a Slurm array runs, two at a time.
    subprocess.run(f"seq 0 5 | xargs -P 2 -I{{}} {MVS} study run {study} --task {{}}", shell=True, check=True,
                   capture_output=True)
    run_mvs("merge", str(study / "merged.h5"), *sorted(str(p) for p in (study / "shards").glob("*.h5")))
    reference = single_process(zoo, tmp_path / "single.h5")
    assert_matches_single_process(study / "merged.h5", reference, zoo)
    with h5py.File(study / "merged.h5", "r") as f:
        assert f["sketch/matrix"].is_virtual and f["rank/erank"].is_virtual and f["spectra/layer.0.q"].is_virtual
        g = f["rank"]
        frame = pd.DataFrame({k: (g[k].asstr()[()] if g[k].dtype.kind == "O" else g[k][()]) for k in g.attrs["columns"]})
        assert len(frame) == 12 * 12 and set(frame["model"]) == set(text(f["models/name"][()]))
        assert list(f["models/shard"][()]) == [0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3]

    # A copy merge holds the same values and no virtual datasets, and reads back without the shards.
    run_mvs("study", "merge", str(study), "--copy")
    moved = tmp_path / "copy.h5"
    shutil.copy(study / "study.h5", moved)
    shutil.rmtree(study / "shards")
    with h5py.File(moved, "r") as copy, h5py.File(reference, "r") as single:
        assert not copy["sketch/matrix"].is_virtual
        assert np.array_equal(copy["sketch/matrix"][()], single["sketch/matrix"][()])
    # mvs's own import reads the merged file as the values export would have written.
    out = run_mvs("-c", f'r = import("{moved}"); print(r.sketch.matrix.shape, len(r.rank.model), r.similarity.kind)').stdout
    assert out.strip() == "[12, 512] 144 similarity"


def test_resume_skips_finished_shards_and_a_changed_model_redoes_only_its_own(zoo, tmp_path):
    copy = tmp_path / "zoo"
    shutil.copytree(zoo, copy)
    study = tmp_path / "study"
    init(study, copy)
    run_mvs("study", "run", str(study))
    again = run_mvs("study", "run", str(study)).stdout
    assert again.count("up to date") == 6

    # Rewrite one model (same shapes, one weight changed): its map shard and the Gram shards are stale.
    from safetensors.numpy import load_file, save_file
    target = copy / "nli-1" / "model.safetensors"
    tensors = load_file(str(target))
    tensors["encoder.layer.0.attention.self.query.weight"][0, 0] += 1.0
    save_file(tensors, str(target))
    merged = run_mvs("study", "merge", str(study), check=False)
    assert merged.returncode == 70 and "model 'nli-1' changed after" in merged.stderr and "map-0002.h5" in merged.stderr
    status = run_mvs("study", "status", str(study)).stdout
    assert "task 2 (map shard 2): stale: model 'nli-1' changed" in status
    assert "task 0 (map shard 0): done" in status and "task 4 (gram shard 0): stale" in status
    rerun = run_mvs("study", "run", str(study)).stdout
    assert [line.split(":")[1].split()[0] for line in rerun.splitlines()] == ["up", "up", "written", "up", "written", "written"]
    run_mvs("study", "merge", str(study))


def test_sigkill_mid_write_leaves_no_shard_and_the_rerun_completes(tmp_path):
    zoo = make_zoo(tmp_path / "zoo", tasks=2, per_task=4, synthetic="2x128")
    study = tmp_path / "study"
    run_mvs("study", "init", str(study), "--zoo", f"{zoo}/manifest.csv", "--base", f"{zoo}/base", "--shards", "1",
            "--rank", "--spectra")
    process = subprocess.Popen([MVS, "study", "run", str(study), "--task", "0"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    temporary = study / "shards" / f".map-0000.h5.tmp-{process.pid}"
    deadline = time.time() + 60
    while not temporary.exists() and process.poll() is None and time.time() < deadline:
        time.sleep(0.005)
    assert temporary.exists(), "the task finished before it could be killed; the zoo is too small"
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    assert not (study / "shards" / "map-0000.h5").exists()
    out = run_mvs("study", "run", str(study)).stdout
    assert "written" in out and (study / "shards" / "map-0000.h5").exists()
    assert not temporary.exists()


def test_merge_names_missing_duplicated_and_inconsistent_shards(zoo, tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    init(first, zoo)
    run_mvs("study", "run", str(first), "--task", "0,1,3,4,5")
    shards = sorted(str(p) for p in (first / "shards").glob("*.h5"))
    missing = run_mvs("merge", str(tmp_path / "m.h5"), *shards, check=False)
    assert missing.returncode == 70 and "missing map shard 2 (map-0002.h5) of 4" in missing.stderr
    assert not (tmp_path / "m.h5").exists()
    run_mvs("study", "run", str(first), "--task", "2")
    shards = sorted(str(p) for p in (first / "shards").glob("*.h5"))
    twice = run_mvs("merge", str(tmp_path / "m.h5"), *shards, shards[-1], check=False)
    assert "map shard 3 is given twice" in twice.stderr
    plain = tmp_path / "plain.h5"
    run_mvs("-c", f'export("{plain}", x=1)')
    foreign = run_mvs("merge", str(tmp_path / "m.h5"), *shards, str(plain), check=False)
    assert f"{plain}: not a study shard: no 'mvs_study' attribute" in foreign.stderr
    init(second, zoo, "--sketch", "256")
    run_mvs("study", "run", str(second), "--task", "2")
    mixed = run_mvs("merge", str(tmp_path / "m.h5"), *[s for s in shards if "map-0002" not in s],
                    str(second / "shards" / "map-0002.h5"), check=False)
    assert "written for different parameters" in mixed.stderr and "sketch: 512 → 256" in mixed.stderr


def test_a_model_listed_twice_is_refused(zoo, tmp_path):
    manifest = tmp_path / "manifest.csv"
    lines = (zoo / "manifest.csv").read_text().splitlines()
    rows = [f"{zoo}/{line}" for line in lines[1:]]
    manifest.write_text("\n".join(lines[:1] + rows + rows[:1]) + "\n")  # sentiment-0 again at the end
    study = tmp_path / "study"
    run_mvs("study", "init", str(study), "--zoo", str(manifest), "--base", f"{zoo}/base", "--shards", "2")
    run_mvs("study", "run", str(study))
    merged = run_mvs("study", "merge", str(study), check=False)
    assert merged.returncode == 70 and "model 'sentiment-0' is listed twice" in merged.stderr


def peak_rss_mb(*args):
    """mvs's peak resident set size (MB), by GNU time: a child forked from this Python process would carry the
    interpreter's own peak into its rusage across exec, while time's fork is small."""
    result = subprocess.run(["/usr/bin/time", "-f", "%M", MVS, *args], capture_output=True, text=True, check=True)
    return int(result.stderr.strip().splitlines()[-1]) / 1024


def test_peak_memory_per_task_is_flat_in_the_zoo_size(tmp_path):
    # 1.1 MB models: a task that kept its models (or all deltas of a Gram unit) would grow by several MB from 12 to 48.
    peaks = {}
    for count in [12, 48]:
        zoo = make_zoo(tmp_path / f"zoo{count}", tasks=4, per_task=count // 4, synthetic="2x128")
        study = tmp_path / f"study{count}"
        run_mvs("study", "init", str(study), "--zoo", f"{zoo}/manifest.csv", "--base", f"{zoo}/base", "--shards", "4",
                "--gram-shards", "2", "--rank", "--profiles", "rel", "--gram-memory", "1M")
        peaks[count] = {kind: peak_rss_mb("study", "run", str(study), "--task", str(task)) for kind, task in [("map", 0), ("gram", 4)]}
    print("peak RSS per task (MB):", peaks)
    for kind in ["map", "gram"]:
        assert peaks[48][kind] - peaks[12][kind] < 4, peaks
