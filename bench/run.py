"""Runs each benchmark job through mvs and through its peers, alternating, and prints ratios to the best peer.

Usage: run.py MVS_BINARY PYTHON [--reps N] [--tiny] [--only JOB,...] [--json OUT]
PYTHON runs the peers: the benchmark environment ($MVS_CACHE/bench-venv: numpy, torch, weightwatcher, gguf)
when scripts/bench made it; peers whose package PYTHON lacks (torch, weightwatcher) are left out.
Inputs are prepared once under $MVS_CACHE/bench (real MiniLM, a synthetic bert-base-shaped model, a zoo
of 200 MiniLM fine-tunes, a synthetic 1B-parameter Llama) plus the real Gemma 3 270M GGUF from
scripts/fetch-models; --tiny uses a 2-layer synthetic model and a 6-model zoo (to keep the script working)
and skips the GGUF and Llama jobs. After the rows, `zoo_growth` (bench/zoo_growth.py) times the zoo's
vectorisation at 10, 50 and 200 models from a cold and a warm page cache.

Every row: mvs's median wall and CPU (user + sys) seconds, the best peer's median and which it was, the ratio
mvs/best peer, the floor where one exists (sgesdd values-only through mvs's own schedule; sgemm FLOPs at the
peak measured on the spot; the same bytes at the measured memcpy bandwidth) and mvs/floor, peak RSS, the load
average, and for byte floors every run's GB/s beside memcpy's.
A torch peer is timed from after `import torch` (it prints work_seconds), as a notebook pays the import once.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

from zoo_growth import growth, subset

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)


def measure(command, env):
    """Wall seconds, CPU seconds (user + sys) and peak RSS in MiB of the child (wait4), and the in-process work
    seconds a peer prints as `work_seconds=S` (None when it prints none)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=err, env=env)
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - start
        out.seek(0), err.seek(0)
        stdout, stderr = out.read().decode(), err.read().decode()
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"bench: {' '.join(command)} failed:\n{stderr}")
    work = [line.split("=", 1)[1] for line in stdout.splitlines() if line.startswith("work_seconds=")]
    return {"wall": elapsed, "cpu": usage.ru_utime + usage.ru_stime, "rss": usage.ru_maxrss / 1024,
            "work": float(work[0]) if work else None}


def has_module(python, module):
    return subprocess.run([python, "-c", f"import {module}"], capture_output=True).returncode == 0


def config(path):
    with open(os.path.join(path, "config.json")) as f:
        return json.load(f)


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
                "large_ft": os.path.join(zoo, "sentiment-0"), "zoo": os.path.join(zoo, "manifest.csv"), "zoo_dir": zoo,
                "k": "2"}
    large = os.path.join(bench, "bertbase")
    if not os.path.exists(large):
        print("bench: writing the synthetic bert-base-shaped model", file=sys.stderr)
        subprocess.check_call([python, os.path.join(HERE, "make_bertbase.py"), large, minilm])
    zoo = os.path.join(bench, "minilm-zoo200")
    # The zoo is ≈18 GB: written only when a job that reads it is selected; `zoo` vectorises its first 50.
    if (not only or {"delta", "zoo", "zoo_growth"} & set(only)) and not os.path.exists(os.path.join(zoo, "manifest.csv")):
        print("bench: writing a zoo of 200 MiniLM fine-tunes (≈18 GB)", file=sys.stderr)
        subprocess.check_call([python, os.path.join(REPO, "scripts", "make-zoo"), "--base", minilm, "--out", zoo,
                               "--tasks", "5", "--per-task", "40"], stdout=subprocess.DEVNULL)
    llama = os.path.join(bench, "llama1b")
    if (not only or {"rank_llama", "rank_llama_all"} & set(only)) and not os.path.exists(llama):
        print("bench: writing the synthetic 1B-parameter Llama (≈2.1 GB)", file=sys.stderr)
        subprocess.check_call([python, os.path.join(HERE, "make_llama1b.py"), llama], stdout=subprocess.DEVNULL)
    large_zoo = os.path.join(bench, "bertbase-ft")
    if (not only or "lora" in only) and not os.path.exists(os.path.join(large_zoo, "manifest.csv")):
        print("bench: writing one fine-tune of the bert-base-shaped model", file=sys.stderr)
        subprocess.check_call([python, os.path.join(REPO, "scripts", "make-zoo"), "--base", large, "--out", large_zoo,
                               "--tasks", "1", "--per-task", "1"], stdout=subprocess.DEVNULL)
    zoo_manifest = subset(zoo, 50)[0] if os.path.exists(os.path.join(zoo, "manifest.csv")) else None
    return {"small": minilm, "large": large, "ft": os.path.join(zoo, "sentiment-0"),
            "large_ft": os.path.join(large_zoo, "sentiment-0"), "zoo": zoo_manifest, "zoo_dir": zoo, "k": "5",
            "llama": llama, "gguf": gemma, **onnx_files}


# Jobs that run another job's mvs script with other inputs.
SCRIPT = {"rank_llama": "rank", "rank_llama_all": "rank"}


def project_flops(path):
    """2·vocab·d·d_ff·layers: the sgemm work of projecting every ff2 row of every layer."""
    c = config(path)
    return 2 * c["vocab_size"] * c["hidden_size"] * c["intermediate_size"] * c["num_hidden_layers"]


def file_bytes(path):
    return os.path.getsize(os.path.join(path, "model.safetensors") if os.path.isdir(path) else path)


def jobs(inputs, scratch, python):
    """(title, job name, arguments, peers {label: command}, floor) rows; floor is ("svd", args) for a measured
    sgesdd run, ("flops", n) or ("bytes", n) for a figure from the measured peaks, or ("files", paths): their
    bytes (read when the job runs: the inputs may be written only then)."""
    mvs_script = lambda name: os.path.join(HERE, f"mvs_{name}.mvs")
    py = lambda script, *rest: [python, os.path.join(HERE, script), *rest]
    torch = has_module(python, "torch")
    watcher = torch and has_module(python, "weightwatcher")
    with_torch = lambda job, *rest: {"torch": py("peer_torch.py", job, *rest)} if torch else {}
    h5 = os.path.join(scratch, "out.h5")
    rows = []
    if "gguf" in inputs:
        g = inputs["gguf"]
        gguf = lambda job: {"gguf+numpy": py("peer_gguf.py", job, g)}
        rows += [
            ("load (Gemma 3 GGUF, 253 MB)", "gguf_load", [g], gguf("load"), None),
            ("dequantise all (Gemma 3 GGUF)", "gguf_dequant", [g], gguf("dequant"), ("bytes", 268_098_176 * 4)),
            ("rank (Gemma 3 GGUF, 126)", "gguf_rank", [g, "auto"], {**gguf("rank"), **with_torch("gguf_rank", g)},
             ("svd", [g, "svd"])),
            ("project ff2 last layer (Gemma)", "gguf_project", [g], {**gguf("project"), **with_torch("gguf_project", g)},
             ("flops", 2 * 262_144 * 640 * 2048)),
        ]
    if "dinov2" in inputs:
        rows += [(title, "onnx_load", [path], {"onnx+numpy": py("peer_onnx.py", "load", path)}, None)
                 for title, path in [("load (DINOv2 ViT-S ONNX, 97 MB)", inputs["dinov2"]),
                                     ("load (MiniLM-L3 ONNX, 69 MB)", inputs["paraphrase"])]]
    if "small" not in inputs:
        return rows
    small, large = inputs["small"], inputs["large"]
    ww_peers = lambda path: {"numpy (ww's code)": py("peer_ww.py", path),
                             **({"weightwatcher": py("peer_weightwatcher.py", path)} if watcher else {})}
    return [
        ("load (bert-base size)", "load", [large], {"numpy": py("peer_load.py", large)}, None),
        ("norm (bert-base size)", "norm", [large],
         {"numpy": py("peer_norm.py", large), **with_torch("norm", large)}, ("files", [large])),
        ("delta (MiniLM)", "delta", [inputs["ft"], small],
         {"numpy": py("peer_delta.py", inputs["ft"], small), **with_torch("delta", inputs["ft"], small)},
         ("files", [inputs["ft"], small])),
        ("rank (MiniLM, 36 matrices)", "rank", [small, "auto"],
         {"numpy": py("peer_rank.py", small), **with_torch("rank", small)}, ("svd", [small, "svd"])),
        ("rank (bert-base size, 72)", "rank", [large, "auto"],
         {"numpy": py("peer_rank.py", large), **with_torch("rank", large)}, ("svd", [large, "svd"])),
        *([("rank (1B Llama, layers 0-1: 14)", "rank_llama", [inputs["llama"], "auto", "2"], {},
            ("svd", [inputs["llama"], "svd", "2"])),
           ("rank (1B Llama, all 112)", "rank_llama_all", [inputs["llama"], "auto"], {}, None)] if "llama" in inputs else []),
        ("ww (MiniLM, 39 matrices)", "ww", [small], ww_peers(small), None),
        ("ww (bert-base size, 74)", "ww", [large], ww_peers(large), None),
        ("project ff2 top-10 (MiniLM)", "project", [small],
         {"numpy": py("peer_project.py", small), **with_torch("project", small)}, ("flops", project_flops(small))),
        ("vectorize+cluster (zoo)", "zoo", [small, inputs["zoo"], inputs["k"]],
         {"numpy": py("peer_zoo.py", small, inputs["zoo"], inputs["k"])}, None),
        ("export model+rank (MiniLM)", "export", [small, h5], {"numpy": py("peer_export.py", small, h5)}, None),
        ("export, gzip (MiniLM)", "export", [small, h5, "gzip"], {"numpy": py("peer_export.py", small, h5, "gzip")}, None),
        ("lora rank 16 → PEFT (MiniLM)", "lora", [inputs["ft"], small, os.path.join(scratch, "adapter")],
         {"numpy": py("peer_lora.py", inputs["ft"], small, os.path.join(scratch, "adapter"))}, None),
        ("lora rank 16 → PEFT (bert-base)", "lora", [inputs["large_ft"], large, os.path.join(scratch, "adapter")],
         {"numpy": py("peer_lora.py", inputs["large_ft"], large, os.path.join(scratch, "adapter"))}, None),
        ("start-up", "startup", [], {"python imports": py("peer_startup.py")}, None),
    ] + rows


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("mvs")
    parser.add_argument("python")
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--tiny", action="store_true")
    parser.add_argument("--only", default="")
    parser.add_argument("--json")
    parser.add_argument("--peer-threads", type=int, default=os.cpu_count(),
                        help="BLAS/OpenMP threads of the peers (default: all cores); mvs keeps its own schedule")
    args = parser.parse_args()
    cache = os.environ.get("MVS_CACHE", os.path.expanduser("~/.cache/mvs"))
    only = [name for name in args.only.split(",") if name]
    inputs = prepare(cache, args.python, args.tiny, only)
    env = dict(os.environ, OPENBLAS_NUM_THREADS=str(os.cpu_count()), PYTHONPATH=HERE, NO_COLOR="1")
    threads = str(args.peer_threads)
    peer_env = dict(env, OPENBLAS_NUM_THREADS=threads, OMP_NUM_THREADS=threads, MKL_NUM_THREADS=threads)
    floors = json.loads(subprocess.check_output(
        [args.python, os.path.join(HERE, "floors.py"), *(["--tiny"] if args.tiny else []),
         *([os.path.join(inputs["large"], "model.safetensors")] if "large" in inputs and not args.tiny else [])],
        env=env))
    print(f"peers at {threads} BLAS/OpenMP thread(s); floors: sgemm {floors['sgemm_gflops']:.0f} GFLOP/s, "
          f"memcpy {floors['memcpy_gbs']:.1f} GB/s"
          + (f", disk (O_DIRECT) {floors['disk_gbs']:.2f} GB/s" if "disk_gbs" in floors else ""), flush=True)
    results = []
    with tempfile.TemporaryDirectory() as scratch:
        table = jobs(inputs, scratch, args.python)
        if args.tiny:
            table = [(title.split(" (")[0] + " (tiny)", *rest) for title, *rest in table]
        print(f"{'job':34} {'mvs s':>7} {'cpu s':>7} {'peer s':>7} {'ratio':>6} {'floor s':>7} {'/floor':>6} {'mvs MiB':>7} "
              f"{'peer MiB':>8} {'load':>5}  best peer / floor")
        for title, name, job_args, peers, floor in table:
            if only and name not in only:
                continue
            script = os.path.join(HERE, f"mvs_{SCRIPT.get(name, name)}.mvs")
            mvs_command = [args.mvs, "-c", "1"] if name == "startup" else [args.mvs, script, *job_args]
            commands = {"mvs": mvs_command, **peers}
            if floor and floor[0] == "svd":
                commands["sgesdd floor"] = [args.mvs, script, *floor[1]]
            runs = {label: [] for label in commands}
            loads = []
            for _ in range(args.reps):
                for label, command in commands.items():  # alternating: mvs, each peer, the floor, mvs, …
                    loads.append(os.getloadavg()[0])
                    runs[label].append(measure(command, peer_env if label in peers else env))
            median = lambda label, key: statistics.median(r[key] if r[key] is not None else r["wall"] for r in runs[label])
            peer_times = {label: median(label, "work") for label in peers}
            best = min(peer_times, key=peer_times.get) if peer_times else None
            m = median("mvs", "wall")
            floor_seconds, floor_label, floor_cpu = None, "", None
            if floor and floor[0] == "svd":
                floor_seconds, floor_label = median("sgesdd floor", "wall"), "sgesdd values-only"
                floor_cpu = median("sgesdd floor", "cpu")
                floor_label += f" (CPU {floor_cpu:.3f} s: mvs/floor {median('mvs', 'cpu') / floor_cpu:.2f} by CPU)"
            elif floor and floor[0] == "flops":
                floor_seconds = floor[1] / (floors["sgemm_gflops"] * 1e9)
                floor_label = f"{floor[1] / 1e9:.0f} GFLOP at sgemm peak"
            elif floor and floor[0] in ("bytes", "files"):
                size = floor[1] if floor[0] == "bytes" else sum(file_bytes(path) for path in floor[1])
                floor_seconds = size / (floors["memcpy_gbs"] * 1e9)
                floor_label = f"{size / 1e9:.2f} GB at memcpy speed"
                gigabytes = size / 1e9
            row = {"job": title, "name": name, "mvs": m, "mvs_cpu": median("mvs", "cpu"),
                   "peer": peer_times[best] if best else None, "best_peer": best, "peers": peer_times,
                   "ratio": m / peer_times[best] if best else None, "floor": floor_seconds,
                   "floor_ratio": m / floor_seconds if floor_seconds else None,
                   "floor_what": floor_label, "floor_cpu": floor_cpu, "mvs_mib": max(r["rss"] for r in runs["mvs"]),
                   "peer_mib": max(r["rss"] for r in runs[best]) if best else None, "load": statistics.median(loads),
                   "reps": {label: [{k: v for k, v in r.items()} for r in rs] for label, rs in runs.items()}}
            results.append(row)
            number = lambda value, width, digits: f"{value:{width}.{digits}f}" if value is not None else f"{'—':>{width}}"
            print(f"{title:34} {m:7.3f} {row['mvs_cpu']:7.3f} {number(row['peer'], 7, 3)} {number(row['ratio'], 6, 2)} "
                  f"{number(floor_seconds, 7, 3)} {number(row['floor_ratio'], 6, 2)} {row['mvs_mib']:7.0f} "
                  f"{number(row['peer_mib'], 8, 0)} {row['load']:5.1f}  {best or 'no peer'}"
                  + (f" / {floor_label}" if floor_label else ""), flush=True)
            others = {label: t for label, t in peer_times.items() if label != best}
            if others:
                print(f"{'':34} other peers: " + ", ".join(f"{label} {t:.3f} s" for label, t in others.items()), flush=True)
            if floor and floor[0] in ("bytes", "files"):
                row["gbs"] = {label: gigabytes / (median(label, "work") if label in peers else m) for label in commands}
                print(f"{'':34} GB/s: " + ", ".join(f"{label} {v:.2f}" for label, v in row["gbs"].items())
                      + f", memcpy {floors['memcpy_gbs']:.2f}", flush=True)
        if (not only or "zoo_growth" in only) and "zoo_dir" in inputs:
            growth(args.mvs, args.python, inputs["zoo_dir"], inputs["small"], "2,6" if args.tiny else "10,50,200",
                   args.reps, floors.get("disk_gbs"), env, results, peer_env=peer_env)
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"floors": floors, "rows": results}, f, indent=1)


if __name__ == "__main__":
    main()
