"""Runs each benchmark job through mvs and through its Python peer, alternating, and prints ratios.

Usage: run.py MVS_BINARY PYTHON [--reps N] [--tiny] [--only JOB,...]
Inputs are prepared once under $MVS_CACHE/bench (real MiniLM, a synthetic bert-base-shaped model, a zoo
of MiniLM fine-tunes) plus the real Gemma 3 270M GGUF from scripts/fetch-models; --tiny uses a 2-layer
synthetic model and a 6-model zoo (to keep the script working) and skips the GGUF jobs.
"""
import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)


def measure(command, env):
    """Runs `command` under a wrapper that reports its own peak RSS (getrusage of the child)."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    stderr = process.stderr.read().decode()
    process.stdout.read()
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"bench: {' '.join(command)} failed:\n{stderr}")
    return elapsed, usage.ru_maxrss / 1024


def prepare(cache, python, tiny, only):
    models = os.environ.get("MVS_MODELS", os.path.join(cache, "models"))
    minilm = os.path.join(models, "minilm")
    bench = os.path.join(cache, "bench")
    os.makedirs(bench, exist_ok=True)
    gemma = os.path.join(models, "gemma3", "gemma-3-270m-q4_k_m.gguf")
    onnx_files = {"dinov2": os.path.join(models, "dinov2-onnx", "vit_s_focus.onnx"),
                  "paraphrase": os.path.join(models, "paraphrase-minilm-onnx", "paraphrase-MiniLM-L3-v2.onnx")}
    if only and all(name.startswith(("gguf_", "onnx_")) for name in only):
        # Only GGUF and ONNX jobs: the synthetic inputs (≈5 GB to write) are not needed.
        return {"gguf": gemma, **onnx_files}
    if tiny:
        zoo = os.path.join(bench, "tiny-zoo")
        if not os.path.exists(os.path.join(zoo, "manifest.csv")):
            subprocess.check_call([python, os.path.join(REPO, "scripts", "make-zoo"), "--synthetic", "2x32",
                                   "--out", zoo, "--tasks", "2", "--per-task", "3"], stdout=subprocess.DEVNULL)
        base = os.path.join(zoo, "base")
        return {"small": base, "large": base, "ft": os.path.join(zoo, "sentiment-0"),
                "large_ft": os.path.join(zoo, "sentiment-0"), "zoo": os.path.join(zoo, "manifest.csv"), "k": "2"}
    large = os.path.join(bench, "bertbase")
    if not os.path.exists(large):
        print("bench: writing the synthetic bert-base-shaped model", file=sys.stderr)
        subprocess.check_call([python, os.path.join(HERE, "make_bertbase.py"), large, minilm])
    zoo = os.path.join(bench, "minilm-zoo50")
    # The zoo is ≈4.5 GB: written only when a job that reads it is selected.
    if (not only or {"delta", "zoo"} & set(only)) and not os.path.exists(os.path.join(zoo, "manifest.csv")):
        print("bench: writing a zoo of 50 MiniLM fine-tunes (≈4.5 GB)", file=sys.stderr)
        subprocess.check_call([python, os.path.join(REPO, "scripts", "make-zoo"), "--base", minilm, "--out", zoo,
                               "--tasks", "5", "--per-task", "10"], stdout=subprocess.DEVNULL)
    large_zoo = os.path.join(bench, "bertbase-ft")
    if not os.path.exists(os.path.join(large_zoo, "manifest.csv")):
        print("bench: writing one fine-tune of the bert-base-shaped model", file=sys.stderr)
        subprocess.check_call([python, os.path.join(REPO, "scripts", "make-zoo"), "--base", large, "--out", large_zoo,
                               "--tasks", "1", "--per-task", "1"], stdout=subprocess.DEVNULL)
    return {"small": minilm, "large": large, "ft": os.path.join(zoo, "sentiment-0"),
            "large_ft": os.path.join(large_zoo, "sentiment-0"), "zoo": os.path.join(zoo, "manifest.csv"), "k": "5",
            "gguf": gemma, **onnx_files}


def jobs(inputs, scratch):
    mvs_script = lambda name: os.path.join(HERE, f"mvs_{name}.mvs")
    # GGUF jobs share one peer script, told which job to run; so do ONNX jobs.
    peer = lambda name: ([os.path.join(HERE, f"peer_{name.split('_')[0]}.py"), name.split("_", 1)[1]]
                         if name.startswith(("gguf_", "onnx_")) else [os.path.join(HERE, f"peer_{name}.py")])
    h5 = os.path.join(scratch, "out.h5")
    gguf = [
        ("load (Gemma 3 GGUF, 253 MB)", "gguf_load", [inputs["gguf"]]),
        ("dequantise all (Gemma 3 GGUF)", "gguf_dequant", [inputs["gguf"]]),
        ("rank (Gemma 3 GGUF, 126)", "gguf_rank", [inputs["gguf"]]),
        ("project ff2 last layer (Gemma)", "gguf_project", [inputs["gguf"]]),
    ] if "gguf" in inputs else []
    gguf += [
        ("load (DINOv2 ViT-S ONNX, 97 MB)", "onnx_load", [inputs["dinov2"]]),
        ("load (MiniLM-L3 ONNX, 69 MB)", "onnx_load", [inputs["paraphrase"]]),
    ] if "dinov2" in inputs else []
    if "small" not in inputs:
        return gguf, mvs_script, peer
    return [
        ("load (bert-base size)", "load", [inputs["large"]]),
        ("delta (MiniLM)", "delta", [inputs["ft"], inputs["small"]]),
        ("rank (MiniLM, 36 matrices)", "rank", [inputs["small"]]),
        ("rank (bert-base size, 72)", "rank", [inputs["large"]]),
        ("ww (MiniLM, 39 matrices)", "ww", [inputs["small"]]),
        ("ww (bert-base size, 74)", "ww", [inputs["large"]]),
        ("project ff2 top-10 (MiniLM)", "project", [inputs["small"]]),
        ("vectorize+cluster (zoo)", "zoo", [inputs["small"], inputs["zoo"], inputs["k"]]),
        ("export model+rank (MiniLM)", "export", [inputs["small"], h5]),
        ("export, gzip (MiniLM)", "export", [inputs["small"], h5, "gzip"]),
        ("lora rank 16 → PEFT (MiniLM)", "lora", [inputs["ft"], inputs["small"], os.path.join(scratch, "adapter")]),
        ("lora rank 16 → PEFT (bert-base)", "lora", [inputs["large_ft"], inputs["large"], os.path.join(scratch, "adapter")]),
        ("start-up", "startup", []),
    ] + gguf, mvs_script, peer


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("mvs")
    parser.add_argument("python")
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--tiny", action="store_true")
    parser.add_argument("--only", default="")
    args = parser.parse_args()
    cache = os.environ.get("MVS_CACHE", os.path.expanduser("~/.cache/mvs"))
    only = [name for name in args.only.split(",") if name]
    inputs = prepare(cache, args.python, args.tiny, only)
    env = dict(os.environ, OPENBLAS_NUM_THREADS=str(os.cpu_count()), PYTHONPATH=HERE, NO_COLOR="1")
    with tempfile.TemporaryDirectory() as scratch:
        table, mvs_script, peer = jobs(inputs, scratch)
        if args.tiny:
            table = [(title.split(" (")[0] + " (tiny)", name, job_args) for title, name, job_args in table]
        print(f"{'job':32} {'mvs s':>8} {'peer s':>8} {'ratio':>6} {'mvs MiB':>8} {'peer MiB':>8}")
        for title, name, job_args in table:
            if only and name not in only:
                continue
            mvs_command = ([args.mvs, "-c", "1"] if name == "startup" else [args.mvs, mvs_script(name), *job_args])
            peer_command = [args.python, *peer(name), *job_args]
            mvs_times, peer_times, mvs_rss, peer_rss = [], [], [], []
            for _ in range(args.reps):
                seconds, rss = measure(mvs_command, env)
                mvs_times.append(seconds); mvs_rss.append(rss)
                seconds, rss = measure(peer_command, env)
                peer_times.append(seconds); peer_rss.append(rss)
            m, p = statistics.median(mvs_times), statistics.median(peer_times)
            print(f"{title:32} {m:8.3f} {p:8.3f} {m / p:6.2f} {max(mvs_rss):8.0f} {max(peer_rss):8.0f}", flush=True)
            if name == "gguf_dequant":
                # Gemma 3 270M: 268,098,176 float32 values written, start-up and header included in the time.
                gigabytes = 268_098_176 * 4 / 1e9
                print(f"{'  float32 written, GB/s':32} {gigabytes / m:8.2f} {gigabytes / p:8.2f}", flush=True)


if __name__ == "__main__":
    main()
