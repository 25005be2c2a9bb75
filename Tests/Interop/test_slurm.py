"""A zoo study as a real Slurm job array on a single-node cluster: the generated scripts, the afterok merge, the
merged file against one process, and a failed task (merge cancelled; resubmitting only the failed tasks finishes)."""
import shutil

import h5py
import numpy as np
import pytest

from conftest import MVS, run_mvs
from slurm_cluster import SlurmCluster
from study_support import assert_matches_single_process, make_zoo, single_process

pytestmark = pytest.mark.skipif(shutil.which("slurmctld") is None, reason="slurm-wlm is not installed (scripts/setup installs it)")


@pytest.fixture(scope="module")
def cluster():
    cluster = SlurmCluster()
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture(scope="module")
def zoo(tmp_path_factory):
    return make_zoo(tmp_path_factory.mktemp("slurm-zoo") / "zoo")


def submit(cluster, study, *extra):
    """sh submit.sh [sbatch options]: returns (array job id, merge job id)."""
    out = cluster.run(["sh", str(study / "submit.sh"), *extra], check=True).stdout
    words = out.split()
    return words[words.index("array") + 2].rstrip(","), words[words.index("merge") + 2]


def prepare(study, zoo, gram_shards):
    run_mvs("study", "init", str(study), "--zoo", f"{zoo}/manifest.csv", "--base", f"{zoo}/base", "--shards", "4",
            "--gram-shards", str(gram_shards), "--rank", "--spectra", "--profiles", "rel")
    printed = run_mvs("study", "sbatch", str(study), "--time", "00:05:00", "--cpus", "1", "--binary", MVS).stdout
    assert f"sh {study}/submit.sh" in printed


def test_study_array_and_afterok_merge_equal_one_process(cluster, zoo, tmp_path):
    study = tmp_path / "study"
    prepare(study, zoo, gram_shards=2)
    array_script = (study / "array.sbatch").read_text()
    assert "#SBATCH --array=0-5\n" in array_script and f"#SBATCH --chdir={study}\n" in array_script
    assert f"exec {MVS} study run {study} --task \"$SLURM_ARRAY_TASK_ID\"" in array_script
    assert "--dependency=afterok:\"$array\" --kill-on-invalid-dep=yes" in (study / "submit.sh").read_text()

    array, merge = submit(cluster, study)
    cluster.wait_for_jobs([array, merge])
    assert set(cluster.job_states(array).values()) == {"COMPLETED"}, cluster.job_states(array)
    assert cluster.job_states(merge) == {None: "COMPLETED"}, (study / "logs" / "merge.out").read_text()
    assert_matches_single_process(study / "study.h5", single_process(zoo, tmp_path / "single.h5"), zoo)


def test_failed_task_cancels_the_merge_and_resubmitting_only_it_completes(cluster, zoo, tmp_path):
    copy = tmp_path / "zoo"
    shutil.copytree(zoo, copy)
    study = tmp_path / "study"
    prepare(study, copy, gram_shards=1)
    # nli-1 (zoo position 7, map shard 2) becomes unreadable: a garbage header. Root reads any mode, so no chmod.
    weights = copy / "nli-1" / "model.safetensors"
    good = weights.read_bytes()
    weights.write_bytes(b"\xff" * 64)

    array, merge = submit(cluster, study)
    cluster.wait_for_jobs([array, merge])
    states = cluster.job_states(array)
    failed = sorted(task for task, state in states.items() if state != "COMPLETED")
    assert failed == [2, 4], states  # its map shard and the Gram shard (which reads every model)
    assert "cannot load zoo member 'nli-1'" in (study / "logs" / "task-2.out").read_text()
    merge_state = cluster.job_states(merge)
    assert merge_state in ({None: "CANCELLED"}, {}), merge_state  # cancelled, never left pending
    assert not (study / "study.h5").exists()

    weights.write_bytes(good)
    array, merge = submit(cluster, study, "--array=" + ",".join(map(str, failed)))
    cluster.wait_for_jobs([array, merge])
    assert set(cluster.job_states(array)) == set(failed)
    assert cluster.job_states(merge) == {None: "COMPLETED"}, (study / "logs" / "merge.out").read_text()
    reference = single_process(copy, tmp_path / "single.h5")
    with h5py.File(study / "study.h5", "r") as merged, h5py.File(reference, "r") as single:
        assert np.array_equal(merged["sketch/matrix"][()], single["sketch/matrix"][()])
        one = single["similarity/matrix"][()]
        assert np.abs(merged["similarity/matrix"][()] - one).max() <= 1e-6 * np.abs(one).max()
