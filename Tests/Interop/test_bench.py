"""Keeps scripts/bench working: the runner on tiny inputs with the debug binary (nothing is timed here)."""
import json
import os
import subprocess
import sys

from conftest import MVS, REPO


def test_bench_runner_completes_every_job_on_tiny_inputs_without_checking_results(tmp_path):
    # A runner test: job names, peers, floors and the ratio are checked; the numbers themselves are not (docs/bench.md).
    env = dict(os.environ, MVS_CACHE=str(tmp_path))
    out = tmp_path / "bench.json"
    result = subprocess.run([sys.executable, str(REPO / "bench" / "run.py"), MVS, sys.executable, "--tiny", "--reps", "1",
                             "--json", str(out)], capture_output=True, text=True, env=env, timeout=600)
    assert result.returncode == 0, result.stderr
    report = json.loads(out.read_text())
    assert report["floors"]["sgemm_gflops"] > 0 and report["floors"]["memcpy_gbs"] > 0
    rows = report["rows"]
    assert [row["name"] for row in rows] == ["load", "norm", "delta", "rank", "rank", "ww", "ww", "project", "zoo", "export",
                                             "export", "lora", "lora", "startup", "zoo_growth", "zoo_growth"]
    for row in rows:
        assert row["mvs"] > 0 and row["mvs_cpu"] > 0 and row["peer"] > 0
        assert row["peer"] == min(row["peers"].values()) and row["best_peer"] in row["peers"]
        assert abs(row["ratio"] - row["mvs"] / row["peer"]) <= 1e-9 * row["ratio"]
    floors = {row["name"]: row["floor_what"] for row in rows if row["floor"] is not None}
    assert floors["rank"].startswith("sgesdd values-only (CPU") and "sgemm" in floors["project"] and "memcpy" in floors["delta"]
    assert all(set(row["gbs"]) == {"mvs", *row["peers"]} for row in rows if row["name"] in ("norm", "delta"))
    assert [row["models"] for row in rows if row["name"] == "zoo_growth"] == [2, 6]
    assert all(line.split()[0] in {"peers", "job"} or line.startswith(" ") or line.split()[0] in
               {"load", "norm", "delta", "rank", "ww", "project", "vectorize+cluster", "export", "export,", "lora", "start-up",
                "zoo"}
               for line in result.stdout.splitlines() if line.strip())
