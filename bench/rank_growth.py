"""How one matrix's singular values cost grows with its size, on the real matrices: CPU milliseconds per matrix of
sgesdd (`method="svd"`) and of the float64 Gram route (`method="gram"`) against m·n·min(m, n).

Usage: rank_growth.py MVS [--reps N] [--json OUT]   (models from $MVS_MODELS and $MVS_CACHE/bench; missing ones are
skipped). Per shape: `rank(m, components=[c], layers=0…L−1, method=…)` as a whole process, alternating with a run
that only loads the model; the CPU seconds (user + sys, both workers) of the difference, divided by L, is one
matrix's cost. Medians of N alternating repetitions.
"""
import argparse
import json
import os
import statistics

from run import measure

HERE = os.path.dirname(os.path.abspath(__file__))


def cases():
    """(model, path, component, layers used, rows × columns in canonical x·W orientation), one per distinct shape."""
    cache = os.environ.get("MVS_CACHE", os.path.expanduser("~/.cache/mvs"))
    models = os.environ.get("MVS_MODELS", os.path.join(cache, "models"))
    minilm, bert = os.path.join(models, "minilm"), os.path.join(cache, "bench", "bertbase")
    smol = os.path.join(models, "smollm2", "SmolLM2-135M-Instruct.Q4_1.gguf")
    gemma = os.path.join(models, "gemma3", "gemma-3-270m-q4_k_m.gguf")
    llama = os.path.join(cache, "bench", "llama1b")
    table = [("MiniLM", minilm, "q", 6, 384, 384), ("MiniLM", minilm, "ff1", 6, 384, 1536),
             ("SmolLM2 135M (Q4_1)", smol, "k", 8, 576, 192), ("SmolLM2 135M (Q4_1)", smol, "q", 8, 576, 576),
             ("SmolLM2 135M (Q4_1)", smol, "ff1", 8, 576, 1536),
             ("Gemma 3 270M (Q4_K_M)", gemma, "k", 8, 640, 256), ("Gemma 3 270M (Q4_K_M)", gemma, "q", 8, 640, 1024),
             ("Gemma 3 270M (Q4_K_M)", gemma, "ff1", 8, 640, 2048),
             ("bert-base size", bert, "q", 12, 768, 768), ("bert-base size", bert, "ff1", 12, 768, 3072),
             ("1B Llama", llama, "k", 4, 2048, 512), ("1B Llama", llama, "q", 4, 2048, 2048),
             ("1B Llama", llama, "ff1", 4, 2048, 8192)]
    return [case for case in table if os.path.exists(case[1])]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("mvs")
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--json")
    args = parser.parse_args()
    env = dict(os.environ, NO_COLOR="1")
    script = os.path.join(HERE, "mvs_rank_component.mvs")
    rows = []
    print(f"{'model':24} {'comp':4} {'m × n':>11} {'m·n·min':>9} {'sgesdd ms':>9} {'Gram ms':>8} {'Gram/SVD':>8} {'auto':>5}")
    for model, path, component, layers, rows_, columns in cases():
        runs = {"load": [], "svd": [], "gram": []}
        for _ in range(args.reps):
            runs["load"].append(measure([args.mvs, os.path.join(HERE, "mvs_load_only.mvs"), path], env))
            for method in ("svd", "gram"):
                runs[method].append(measure([args.mvs, script, path, component, method, str(layers)], env))
        cpu = {label: statistics.median(r["cpu"] for r in rs) for label, rs in runs.items()}
        per = {method: (cpu[method] - cpu["load"]) / layers * 1e3 for method in ("svd", "gram")}
        short, long = min(rows_, columns), max(rows_, columns)
        auto = "gram" if short >= 1024 or long >= 1.5 * short else "svd"  # SpectrumMethod.auto
        row = {"model": model, "component": component, "rows": rows_, "columns": columns, "size": rows_ * columns * short,
               "svd_ms": per["svd"], "gram_ms": per["gram"], "auto": auto, "layers": layers,
               "load_cpu": cpu["load"], "reps": runs}
        rows.append(row)
        print(f"{model:24} {component:4} {f'{rows_} × {columns}':>11} {row['size']:9.1e} {per['svd']:9.1f} {per['gram']:8.1f} "
              f"{per['gram'] / per['svd']:8.2f} {auto:>5}", flush=True)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(rows, f, indent=1)


if __name__ == "__main__":
    main()
