"""The hardware's floors, measured on the spot: sgemm peak, memcpy bandwidth, disk read bandwidth.

Usage: floors.py [--tiny] [FILE]   prints one JSON object: sgemm_gflops (float32 matmul, all cores, best of 3),
memcpy_gbs (bytes copied per second, 256 MB arrays, best of 3), disk_gbs (FILE read with O_DIRECT by dd,
bypassing the page cache; absent without FILE or where O_DIRECT is refused).
"""
import json
import os
import subprocess
import sys
import time

import numpy as np

tiny = "--tiny" in sys.argv
files = [a for a in sys.argv[1:] if a != "--tiny"]
result = {}

n = 256 if tiny else 2048
a = np.random.default_rng(0).standard_normal((n, n), dtype=np.float32)
b = np.random.default_rng(1).standard_normal((n, n), dtype=np.float32)
best = float("inf")
for _ in range(3):
    start = time.perf_counter()
    a @ b
    best = min(best, time.perf_counter() - start)
result["sgemm_gflops"] = 2 * n ** 3 / best / 1e9

size = (8 if tiny else 256) * 2 ** 20
source = np.ones(size // 4, np.float32)
target = np.empty_like(source)
np.copyto(target, source)  # fault the pages in first
best = float("inf")
for _ in range(3):
    start = time.perf_counter()
    np.copyto(target, source)
    best = min(best, time.perf_counter() - start)
result["memcpy_gbs"] = size / best / 1e9

if files:
    size = os.path.getsize(files[0])
    start = time.perf_counter()
    done = subprocess.run(["dd", f"if={files[0]}", "of=/dev/null", "bs=8M", "iflag=direct"], capture_output=True)
    if done.returncode == 0:
        result["disk_gbs"] = size / (time.perf_counter() - start) / 1e9
print(json.dumps(result))
