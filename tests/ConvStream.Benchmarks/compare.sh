#!/usr/bin/env bash
# Side-by-side speed of ConvStream against OpenCV 4.6 (C++), OpenCvSharp 4.13 and PyTorch 1.13 on
# the same work at 1920x1080, 1 and 2 threads, in one sitting, as ratios (ConvStream time /
# baseline time; < 1 is faster). ConvStream's figures are `convstream op|filter ... --repeat N`
# medians: compute only, into a reused output, as the baselines (ocv_bench.cpp preallocates,
# torch_bench.py runs with jemalloc so outputs are recycled). Each row is measured twice, in two
# fresh processes: cold (--repeat 7, what a user who runs one op meets) and hot (--repeat HOT);
# the table gives both, cold ÷ hot (goal ≤ 1.2) and hot ÷ the faster baseline (issue 13's goals).
# Needs: python3-opencv (libopencv-dev for the C++ baseline), python3-torch, libjemalloc2 (Debian), libgtk-3-0 for
# OpenCvSharp's native library (skipped when it does not build) and ../shared/bench beside the
# repository.
#   tests/ConvStream.Benchmarks/compare.sh [HOT]      (HOT defaults to 100; prints a Markdown table)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
bench="${CONVSTREAM_SHARED_BENCH:-$root/../shared/bench}"
hot="${1:-100}"
cold=7
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
py=/usr/bin/python3

dotnet build "$root/src/ConvStream.Cli" -c Release -o "$work/cli" -v quiet -nologo >/dev/null
cs="$work/cli/convstream"

# The same inputs as the baselines: uniform random frames, normal random weights.
"$py" - "$work" <<'EOF'
import sys, json, numpy as np, cv2
d = sys.argv[1]; r = np.random.default_rng(0); H, W = 1080, 1920
save = lambda n, a: np.save(f"{d}/{n}.npy", a.astype(np.float32))
save("x3", r.random((1, 3, H, W))); save("x16", r.random((1, 16, H, W))); save("x16h", r.random((1, 16, H // 2, W // 2)))
save("w3_16_3", r.standard_normal((16, 3, 3, 3))); save("w16_16_3", r.standard_normal((16, 16, 3, 3)))
save("wdw5", r.standard_normal((3, 1, 5, 5))); save("w3_16_1", r.standard_normal((16, 3, 1, 1)))
save("wt", r.standard_normal((16, 3, 2, 2))); save("b16", r.standard_normal(16)); save("b3", r.standard_normal(3))
img = r.integers(0, 256, (H, W, 3), dtype=np.uint8)
cv2.imwrite(f"{d}/bgr.png", img); cv2.imwrite(f"{d}/gray.png", cv2.cvtColor(img, cv2.COLOR_BGR2GRAY))
for k in (5, 7):  # generic non-separable kernels normalised to sum 1, as ocv_bench.cpp
    K = r.random((k, k)); json.dump({"weights": (K / K.sum()).tolist()}, open(f"{d}/k{k}.json", "w"))
EOF

# ours NAME THREADS ARGS... → "NAME<TAB>THREADS<TAB>cold_median_ms<TAB>hot_median_ms<TAB>hot_min_ms",
# each from its own process (the cold figure must not follow the hot runs' JIT warm-up).
ours() {
  local name="$1" thr="$2"; shift 2
  local c h
  c=$(CONVSTREAM_THREADS="$thr" "$cs" "$@" --repeat "$cold" 2>&1 >/dev/null | grep -o 'median_ms=[0-9.]*' | cut -d= -f2)
  h=$(CONVSTREAM_THREADS="$thr" "$cs" "$@" --repeat "$hot" 2>&1 >/dev/null | grep -o '[a-z]*_ms=[0-9.]*' | cut -d= -f2 | paste -sd '\t')
  printf '%s\t%s\t%s\t%s\n' "$name" "$thr" "$c" "$h"
}
cd "$work"
{
for t in 1 2; do
  ours conv3_16 $t op conv2d --input x3.npy --weight w3_16_3.npy --bias b16.npy --padding 1 --output y.npy
  ours conv16_16 $t op conv2d --input x16.npy --weight w16_16_3.npy --bias b16.npy --padding 1 --output y.npy
  ours dw5 $t op conv2d --input x3.npy --weight wdw5.npy --bias b3.npy --padding 2 --groups 3 --output y.npy
  ours pw3_16 $t op conv2d --input x3.npy --weight w3_16_1.npy --bias b16.npy --output y.npy
  ours maxpool16 $t op max-pool2d --input x16.npy --kernel 2 --output y.npy
  ours avgpool16 $t op avg-pool2d --input x16.npy --kernel 2 --output y.npy
  ours tconv16_3 $t op conv-transpose2d --input x16h.npy --weight wt.npy --bias b3.npy --stride 2 --output y.npy
  ours gauss5 $t filter bgr.png o.png --stage "gaussian:size=5,sigma=0" --threads $t
  ours gauss9 $t filter bgr.png o.png --stage "gaussian:size=9,sigma=1.5" --threads $t
  ours sobeldx $t filter gray.png o.npy --stage "sobel:dx=1,dy=0,depth=s16" --threads $t
  ours sobelmag $t filter bgr.png o.png --stage "sobel-magnitude:norm=l2" --threads $t
  ours conv5 $t filter bgr.png o.png --stage "conv:kernel=k5.json" --threads $t
  ours conv7 $t filter bgr.png o.png --stage "conv:kernel=k7.json" --threads $t
  ours gray $t filter bgr.png o.png --stage gray --threads $t
  ours maxpool2 $t filter bgr.png o.png --stage "maxpool:size=2" --threads $t
  ours avgpool2 $t filter bgr.png o.png --stage "avgpool:size=2" --threads $t
done
} > ours.tsv

# OpenCV's C++ API when libopencv-dev is there, else the same calls through OpenCV-Python (within
# a few % of C++; it has no Sobel-magnitude-from-BGR row, OpenCvSharp below has).
if pkg-config --exists opencv4 2>/dev/null; then
  g++ -O3 -march=native "$bench/ocv_bench.cpp" $(pkg-config --cflags --libs opencv4) -o ocv_bench
  ./ocv_bench 0.5 1920x1080 > ocv.tsv
else
  "$py" "$bench/cv2_bench.py" 0.5 1920x1080 > ocv.tsv
fi
LD_PRELOAD=/usr/lib/x86_64-linux-gnu/libjemalloc.so.2 MALLOC_CONF=oversize_threshold:0,dirty_decay_ms:-1,muzzy_decay_ms:-1 \
  "$py" "$bench/torch_bench.py" 0.5 1920x1080 > torch.tsv
# OpenCvSharp (IPP inside) is the faster 8-bit baseline on some ops: a ratio counts against the
# faster of the two OpenCV builds.
if dotnet build "$bench/ocvsharp-bench" -c Release -o "$work/ocvsharp" -v quiet -nologo >/dev/null 2>&1; then
  "$work/ocvsharp/ocvsharp-bench" 1920x1080 > ocvsharp.tsv 2>/dev/null || : > ocvsharp.tsv
else
  : > ocvsharp.tsv
fi

"$py" - <<'EOF'
import csv
def num(v):
    try: return float(v)
    except ValueError: return None
# (name, threads) → (cold median, hot median, hot min)
ours = {(r[0], int(r[1])): tuple(num(v) for v in (r[2:5] + ["", "", ""])[:3]) for r in csv.reader(open("ours.tsv"), delimiter="\t") if len(r) >= 3}
base = {}
for f in ("ocv.tsv", "torch.tsv", "ocvsharp.tsv"):
    for r in csv.reader(open(f), delimiter="\t"):
        if len(r) < 6 or r[0].startswith("#") or r[0] == "suite": continue
        try: base.setdefault((r[1], r[2], int(r[4])), float(r[5]))
        except ValueError: pass
def b(op, variant, t):
    # The best recipe/layout of the baseline (OpenCV's three max-pool recipes, PyTorch's NCHW and
    # channels-last), warm caches only.
    c = [v for (o, var, th), v in base.items() if o.startswith(op) and var.startswith(variant) and "cold" not in var and th == t]
    return min(c) if c else None
# (our name, description, baseline op, baseline variant prefix, issue 13's goal for hot ÷ baseline)
rows = [
 ("conv3_16", "conv2d 3→16 3×3, f32", "conv2d_3->16_3x3_pad1", "f32", "≤ 0.6"),
 ("conv16_16", "conv2d 16→16 3×3, f32", "conv2d_16->16_3x3_pad1", "f32", "≤ 0.5"),
 ("dw5", "depthwise 5×5, 3 ch, f32", "conv2d_dw_3->3_5x5_g3_pad2", "f32", "≤ 0.1"),
 ("pw3_16", "1×1 3→16, f32", "conv2d_3->16_1x1", "f32", "≤ 0.1"),
 ("tconv16_3", "conv_transpose2d 16→3 k2 s2", "conv_transpose2d_16->3_k2_s2", "f32", "≤ 0.1"),
 ("maxpool16", "max pool 2×2, 16 ch f32", "max_pool2d_2x2_s2", "f32", "≤ 0.5"),
 ("avgpool16", "avg pool 2×2, 16 ch f32", "avg_pool2d_2x2_s2", "f32", "≤ 0.5"),
 ("gauss5", "gaussian 5×5, BGR u8", "GaussianBlur_5x5_sigma_auto", "u8c3", "≤ 0.5"),
 ("gauss9", "gaussian 9×9 σ1.5, BGR u8", "GaussianBlur_9x9_sigma1.5", "u8c3", "≤ 0.4"),
 ("sobeldx", "sobel dx, gray → s16", "Sobel3x3_dx", "u8c1->16S", "≤ 0.6"),
 ("sobelmag", "sobel-magnitude BGR → u8 (fused)", "Sobel_magnitude_pipeline_from_bgr", "u8c3->gray", "≤ 0.25"),
 ("conv5", "conv (filter2D) 5×5, BGR u8", "filter2D_5x5", "u8c3", "≤ 0.2"),
 ("conv7", "conv (filter2D) 7×7, BGR u8", "filter2D_7x7", "u8c3", "≤ 0.2"),
 ("gray", "gray (BGR → gray)", "cvtColor_BGR2GRAY", "u8c3->u8c1", "≤ 0.5"),
 ("maxpool2", "maxpool 2×2, BGR u8", "maxpool2x2s2", "u8c3", "≤ 0.4"),
 ("avgpool2", "avgpool 2×2, BGR u8", "avgpool2x2s2", "u8c3", "≤ 0.4"),
]
fmt = lambda v: "—" if v is None else f"{v:.2f}"
div = lambda x, y: None if (x is None or y is None or y == 0) else x / y
print("| work (1920×1080) | cold 7 ms 1T / 2T | hot ms (min) 1T / 2T | cold ÷ hot 1T / 2T | baseline ms 1T / 2T | hot ÷ baseline 1T / 2T | goal |")
print("| --- | --- | --- | --- | --- | --- | --- |")
for name, desc, op, var, goal in rows:
    o = [ours.get((name, t), (None, None, None)) for t in (1, 2)]
    bb = [b(op, var, t) for t in (1, 2)]
    hot = " / ".join(f"{fmt(x[1])} ({fmt(x[2])})" for x in o)
    print(f"| {desc} | {fmt(o[0][0])} / {fmt(o[1][0])} | {hot} | {fmt(div(o[0][0], o[0][1]))} / {fmt(div(o[1][0], o[1][1]))} "
          f"| {fmt(bb[0])} / {fmt(bb[1])} | {fmt(div(o[0][1], bb[0]))} / {fmt(div(o[1][1], bb[1]))} | {goal} |")
EOF
