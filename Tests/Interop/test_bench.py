"""Keeps scripts/bench working: the runner on tiny inputs with the debug binary (nothing is timed here)."""
import os
import subprocess
import sys

from conftest import MVS, REPO


def test_bench_runner_completes_every_job_on_tiny_inputs_without_checking_results(tmp_path):
    # A runner test: job names and the ratio column are checked; the numbers themselves are not (docs/bench.md).
    env = dict(os.environ, MVS_CACHE=str(tmp_path))
    result = subprocess.run([sys.executable, str(REPO / "bench" / "run.py"), MVS, sys.executable, "--tiny", "--reps", "1"],
                            capture_output=True, text=True, env=env, timeout=600)
    assert result.returncode == 0, result.stderr
    rows = [line for line in result.stdout.splitlines()[1:] if line.strip()]
    jobs = ["load", "delta", "rank", "rank", "ww", "ww", "project", "vectorize+cluster", "export", "export,", "lora", "lora", "start-up"]
    assert [row.split()[0] for row in rows] == jobs
    for row in rows:
        mvs_seconds, peer_seconds, ratio = (float(x) for x in row.split()[-5:-2])
        assert mvs_seconds > 0 and peer_seconds > 0
        assert abs(ratio - mvs_seconds / peer_seconds) <= 0.01 + 0.01 * ratio
