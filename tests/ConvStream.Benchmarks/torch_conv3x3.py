#!/usr/bin/python3
"""PyTorch 1.13 (Debian python3-torch) timings of the dense 3x3 layers that `ConvStream.Benchmarks
conv-cpu` times: 3->16, 16->16, 32->32 at 1920x1080, padding 1, bias, float32 NCHW, batch 1,
torch.set_num_threads(1), one F.conv2d call under inference_mode. Reports the calling thread's
CPU time (time.thread_time) and wall time, medians of RUNS (default 9) after two warm-up calls,
for NCHW (contiguous) and channels_last (NHWC) input and weights: PyTorch's oneDNN path is much
faster on the latter, so a ratio is taken against the faster of the two.
Run with /usr/bin/python3; LD_PRELOAD=libjemalloc.so.2 keeps the output allocation from
page-faulting on every call (as ../shared/bench/torch_bench.py's jemalloc variant).
"""
import os
import sys
import time

import torch
import torch.nn.functional as F

runs = int(sys.argv[1]) if len(sys.argv) > 1 else 9
torch.set_num_threads(int(os.environ.get("TORCH_THREADS", "1")))
torch.manual_seed(13)
jemalloc = any("jemalloc" in line for line in open("/proc/self/maps"))
for cin, cout in ((3, 16), (16, 16), (32, 32)):
    for layout in ("nchw", "channels_last"):
        x = torch.rand(1, cin, 1080, 1920) * 2 - 1
        w = torch.rand(cout, cin, 3, 3) * 2 - 1
        b = torch.rand(cout) * 2 - 1
        if layout == "channels_last":
            x = x.to(memory_format=torch.channels_last)
            w = w.to(memory_format=torch.channels_last)
        with torch.inference_mode():
            for _ in range(2):
                F.conv2d(x, w, b, padding=1)
            cpu, wall = [], []
            for _ in range(runs):
                c0, t0 = time.thread_time(), time.perf_counter()
                F.conv2d(x, w, b, padding=1)
                wall.append((time.perf_counter() - t0) * 1e3)
                cpu.append((time.thread_time() - c0) * 1e3)
        cpu.sort()
        wall.sort()
        print(f"torch conv3x3 {cin}->{cout} 1920x1080 {layout} ({'jemalloc' if jemalloc else 'glibc'}, {torch.get_num_threads()} thread): "
              f"CPU {cpu[runs // 2]:.1f} ms, wall {wall[runs // 2]:.1f} ms")
