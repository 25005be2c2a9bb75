"""How `vectorize` grows with the zoo: time, peak RSS and GB/s read for 10, 50 and 200 MiniLM fine-tunes, from a
cold page cache (the zoo's files evicted) and a warm one, against the numpy peer (bench/peer_zoo.py) and the disk.

Usage: zoo_growth.py MVS PYTHON ZOO_DIR BASE [--sizes 10,50,200] [--reps N] [--disk GBS] [--json OUT]
(or `scripts/bench --only zoo_growth`, which runs it on the 200-model zoo it writes under $MVS_CACHE/bench).
ZOO_DIR holds a make-zoo zoo (manifest.csv); the first N/tasks members of every task form the zoo of N
(written as ZOO_DIR/zoo-N.csv). Per size and repetition, alternating: mvs cold (the members' and the base's pages
evicted with posix_fadvise(DONTNEED) — only these files, nothing else on the machine), mvs warm (right after),
the peer warm. "read GB" is what the run brought into the page cache (`fincore` after minus before): the bytes
the disk delivered; "GB/s" is that over the cold run's wall time. The page-cache state before each run is
reported as the resident fraction of the zoo's files.
"""
import argparse
import csv
import json
import os
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def subset(zoo, size):
    """Writes ZOO_DIR/zoo-SIZE.csv: the first SIZE/tasks members of every task (all tasks equally represented)."""
    with open(os.path.join(zoo, "manifest.csv"), newline="") as f:
        rows = list(csv.DictReader(f))
    labels = sorted({row["label"] for row in rows})
    per_task = size // len(labels)
    chosen = [row for label in labels for row in [r for r in rows if r["label"] == label][:per_task]]
    if len(chosen) != size:
        sys.exit(f"zoo_growth: {zoo} has too few members for a zoo of {size} ({len(labels)} tasks)")
    path = os.path.join(zoo, f"zoo-{size}.csv")
    if os.path.exists(path):
        return path, [os.path.join(zoo, r["path"], "model.safetensors") for r in chosen], len(labels)
    with open(path, "w") as f:
        f.write("path,name,label\n" + "".join(f"{r['path']},{r['name']},{r['label']}\n" for r in chosen))
    return path, [os.path.join(zoo, r["path"], "model.safetensors") for r in chosen], len(labels)


def resident_bytes(files):
    """Bytes of `files` in the page cache (util-linux fincore)."""
    out = subprocess.check_output(["fincore", "--bytes", "--noheadings", "--raw", "--output", "RES", *files], text=True)
    return sum(int(line) for line in out.split())


def evict(files):
    """Drops these files' clean pages from the page cache (and nothing else)."""
    for path in files:
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fdatasync(fd)
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
        finally:
            os.close(fd)


def growth(mvs, python, zoo, base, sizes, reps, disk, env, results, peer=True, peer_env=None):
    """Runs the growth table (see the module comment), prints it and appends its rows to `results`."""
    from run import measure  # run.py imports this module: imported here, not at the top
    print(f"zoo growth: vectorize + cluster against the zoo's size ({reps} alternating repetitions: cold, warm, peer)",
          flush=True)
    base_file = os.path.join(base, "model.safetensors")
    sizes = [int(s) for s in sizes.split(",")]
    zoos = {size: subset(zoo, size) for size in sizes}
    runs = {(size, kind): [] for size in sizes for kind in ("cold", "warm", "peer")}
    for _ in range(reps):
        for size in sizes:
            manifest, files, tasks = zoos[size]
            files = files + [base_file]
            total = sum(os.path.getsize(p) for p in files)
            commands = [("cold", [mvs, os.path.join(HERE, "mvs_zoo.mvs"), base, manifest, str(tasks)]),
                        ("warm", [mvs, os.path.join(HERE, "mvs_zoo.mvs"), base, manifest, str(tasks)])]
            if peer:
                commands.append(("peer", [python, os.path.join(HERE, "peer_zoo.py"), base, manifest, str(tasks)]))
            for kind, command in commands:
                if kind == "cold":
                    evict(files)
                before = resident_bytes(files)
                result = measure(command, (peer_env or env) if kind == "peer" else env)
                result.update(resident_before=before / total, read=(resident_bytes(files) - before) / 1e9,
                              load=os.getloadavg()[0], total=total / 1e9)
                runs[(size, kind)].append(result)
                print(f"  {size:4} {kind:5} {result['wall']:8.2f} s  cpu {result['cpu']:7.2f} s  {result['rss']:6.0f} MiB  "
                      f"resident before {100 * result['resident_before']:5.1f} %  read {result['read']:6.2f} GB", flush=True)
    print(f"zoo {'models':>6} {'files GB':>8} {'cold s':>7} {'cpu s':>6} {'read GB':>7} {'GB/s':>5} {'warm s':>7} "
          f"{'peer s':>7} {'warm/peer':>9} {'mvs MiB':>7} {'peer MiB':>8} {'disk floor s':>12}")
    for size in sizes:
        med = lambda kind, key: statistics.median(r[key] for r in runs[(size, kind)]) if runs[(size, kind)] else float("nan")
        read = med("cold", "read")
        # mvs and ratio: the warm run against the (warm) peer, as the other rows; the cold run beside them.
        row = {"job": f"zoo growth, {size} models", "name": "zoo_growth", "models": size,
               "files_gb": runs[(size, "cold")][0]["total"], "cold": med("cold", "wall"), "cold_cpu": med("cold", "cpu"),
               "read_gb": read, "read_gbs": read / med("cold", "wall"), "mvs": med("warm", "wall"),
               "mvs_cpu": med("warm", "cpu"), "peer": med("peer", "wall"), "peers": {"numpy": med("peer", "wall")},
               "best_peer": "numpy", "ratio": med("warm", "wall") / med("peer", "wall"),
               "mvs_mib": max(r["rss"] for r in runs[(size, "cold")] + runs[(size, "warm")]),
               "peer_mib": max((r["rss"] for r in runs[(size, "peer")]), default=float("nan")),
               "resident_before_cold": med("cold", "resident_before"), "resident_before_warm": med("warm", "resident_before"),
               "floor": read / disk if disk else None,
               "floor_what": f"{read:.2f} GB read at the disk's O_DIRECT bandwidth (against the cold run)", "load": med("cold", "load"),
               "reps": {f"{kind}": runs[(size, kind)] for kind in ("cold", "warm", "peer")}}
        results.append(row)
        print(f"zoo {size:6} {row['files_gb']:8.2f} {row['cold']:7.2f} {row['cold_cpu']:6.2f} {read:7.2f} {row['read_gbs']:5.2f} "
              f"{row['mvs']:7.2f} {row['peer']:7.2f} {row['ratio']:9.2f} {row['mvs_mib']:7.0f} "
              f"{row['peer_mib']:8.0f} {row['floor'] or float('nan'):12.2f}", flush=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("mvs")
    parser.add_argument("python")
    parser.add_argument("zoo")
    parser.add_argument("base")
    parser.add_argument("--sizes", default="10,50,200")
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--disk", type=float, help="the disk's O_DIRECT read bandwidth in GB/s (floors.py)")
    parser.add_argument("--no-peer", action="store_true")
    parser.add_argument("--json")
    args = parser.parse_args()
    env = dict(os.environ, OPENBLAS_NUM_THREADS=str(os.cpu_count()), PYTHONPATH=HERE, NO_COLOR="1")
    rows = []
    growth(args.mvs, args.python, args.zoo, args.base, args.sizes, args.reps, args.disk, env, rows, not args.no_peer)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(rows, f, indent=1)


if __name__ == "__main__":
    main()
