#!/usr/bin/python3
"""OpenCV-Python baseline for `convstream bench filters/pipelines/bench.json` (demo.json's stages).

The same four operations, called one after another on one BGR u8 frame, into preallocated
outputs (the fastest way to use cv2), as the pipeline's four branches compute them:
  blur    GaussianBlur 9x9, sigma 2
  edges   gray → Sobel dx, dy (3x3, 32F) → magnitude → u8 (as sobel-magnitude)
  emboss  filter2D with filters/kernels/emboss.json
  pooled  2x2 stride-2 max pool (cv2.max of row pairs + np.maximum of column pairs: the fastest
          of the recipes in /work/shared/bench/cv2_bench.py)
Prints the median time of the whole sequence per frame and the frames/s it gives, for 1 and 2
threads. Compare with the frames/s of `convstream bench filters/pipelines/bench.json` run next to
it. Usage: /usr/bin/python3 demo_cv2_baseline.py [WxH] [budget_s]
"""
import json
import os
import sys
import time

import cv2
import numpy as np

W, H = map(int, (sys.argv[1] if len(sys.argv) > 1 else "1920x1080").split("x"))
budget = float(sys.argv[2]) if len(sys.argv) > 2 else 3.0
root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
emboss = np.array(json.load(open(os.path.join(root, "filters", "kernels", "emboss.json")))["weights"], np.float32)

rng = np.random.default_rng(7)
frame = rng.integers(0, 256, (H, W, 3), dtype=np.uint8)
blur = np.empty_like(frame)
gray = np.empty((H, W), np.uint8)
dx = np.empty((H, W), np.float32)
dy = np.empty((H, W), np.float32)
mag = np.empty((H, W), np.float32)
edges = np.empty((H, W), np.uint8)
emb = np.empty_like(frame)
rows = np.empty((H // 2, W, 3), np.uint8)
pooled = np.empty((H // 2, W // 2, 3), np.uint8)


def demo_stages():
    cv2.GaussianBlur(frame, (9, 9), 2, dst=blur)
    cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY, dst=gray)
    cv2.Sobel(gray, cv2.CV_32F, 1, 0, dst=dx, ksize=3)
    cv2.Sobel(gray, cv2.CV_32F, 0, 1, dst=dy, ksize=3)
    cv2.magnitude(dx, dy, magnitude=mag)
    cv2.convertScaleAbs(mag, dst=edges)
    cv2.filter2D(frame, -1, emboss, dst=emb, borderType=cv2.BORDER_REFLECT_101)
    cv2.max(frame[0::2], frame[1::2], dst=rows)
    r6 = rows.reshape(H // 2, W // 2, 6)
    np.maximum(r6[:, :, :3], r6[:, :, 3:], out=pooled)


for threads in (1, 2):
    cv2.setNumThreads(threads)
    for _ in range(5):
        demo_stages()
    times = []
    start = time.perf_counter()
    while time.perf_counter() - start < budget or len(times) < 20:
        t0 = time.perf_counter()
        demo_stages()
        times.append((time.perf_counter() - t0) * 1e3)
    times.sort()
    med = times[len(times) // 2]
    print(f"cv2_py\tdemo_stages_sequential\t{W}x{H}\t{threads}\tmedian_ms={med:.3f}\tp90_ms={times[int(0.9 * len(times))]:.3f}\tfps={1000 / med:.1f}\treps={len(times)}", flush=True)
