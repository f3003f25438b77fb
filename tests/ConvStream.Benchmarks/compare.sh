#!/usr/bin/env bash
# Side-by-side speed of ConvStream against OpenCV 4.6 (C++) and PyTorch 1.13 on the same work at
# 1920x1080, 1 and 2 threads, in one sitting, as ratios (ConvStream time / baseline time; < 1 is
# faster). ConvStream's figures are `convstream op|filter ... --repeat N` medians: compute only,
# into a reused output, as the baselines (ocv_bench.cpp preallocates, torch_bench.py runs with
# jemalloc so outputs are recycled). Needs: libopencv-dev, python3-opencv, python3-torch,
# libjemalloc2 (Debian) and ../shared/bench beside the repository.
#   tests/ConvStream.Benchmarks/compare.sh [REPEAT]      (prints a Markdown table)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
bench="${CONVSTREAM_SHARED_BENCH:-$root/../shared/bench}"
repeat="${1:-40}"
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

# ours NAME THREADS ARGS... → "NAME<TAB>THREADS<TAB>median_ms". The 8-bit filters take under
# 2 ms, so they get 300 runs: the first few dozen calls run tier-0 JIT code (3 ms instead of 0.3
# for a 2-thread Sobel at 40 runs), which a video pipeline leaves behind after its first second.
ours() {
  local name="$1" thr="$2"; shift 2
  local line n="$repeat"
  [ "$1" = filter ] && n=$((repeat > 300 ? repeat : 300))
  line=$(CONVSTREAM_THREADS="$thr" "$cs" "$@" --repeat "$n" 2>&1 >/dev/null | grep -o 'median_ms=[0-9.]*' | cut -d= -f2)
  printf '%s\t%s\t%s\n' "$name" "$thr" "$line"
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

g++ -O3 -march=native "$bench/ocv_bench.cpp" $(pkg-config --cflags --libs opencv4) -o ocv_bench
./ocv_bench 0.5 1920x1080 > ocv.tsv
LD_PRELOAD=/usr/lib/x86_64-linux-gnu/libjemalloc.so.2 MALLOC_CONF=oversize_threshold:0,dirty_decay_ms:-1,muzzy_decay_ms:-1 \
  "$py" "$bench/torch_bench.py" 0.5 1920x1080 > torch.tsv

"$py" - <<'EOF'
import csv
ours = {(r[0], int(r[1])): float(r[2]) for r in csv.reader(open("ours.tsv"), delimiter="\t") if len(r) == 3 and r[2]}
base = {}
for f in ("ocv.tsv", "torch.tsv"):
    for r in csv.reader(open(f), delimiter="\t"):
        if len(r) < 6 or r[0].startswith("#") or r[0] == "suite": continue
        try: base.setdefault((r[1], r[2], int(r[4])), float(r[5]))
        except ValueError: pass
def b(op, variant, t):
    # The best recipe/layout of the baseline (OpenCV's three max-pool recipes, PyTorch's NCHW and
    # channels-last), warm caches only.
    c = [v for (o, var, th), v in base.items() if o.startswith(op) and var.startswith(variant) and "cold" not in var and th == t]
    return min(c) if c else None
# (our name, description, baseline op, baseline variant prefix, goal)
rows = [
 ("conv3_16", "conv2d 3→16 3×3, f32", "conv2d_3->16_3x3_pad1", "f32", "≤ 0.7"),
 ("conv16_16", "conv2d 16→16 3×3, f32", "conv2d_16->16_3x3_pad1", "f32", "≤ 0.8"),
 ("dw5", "depthwise 5×5, 3 ch, f32", "conv2d_dw_3->3_5x5_g3_pad2", "f32", "≤ 0.1"),
 ("pw3_16", "1×1 3→16, f32", "conv2d_3->16_1x1", "f32", "≤ 0.3"),
 ("maxpool16", "max pool 2×2, 16 ch f32", "max_pool2d_2x2_s2", "f32", "≤ 1.0"),
 ("avgpool16", "avg pool 2×2, 16 ch f32", "avg_pool2d_2x2_s2", "f32", "≤ 1.0"),
 ("tconv16_3", "conv_transpose2d 16→3 k2 s2", "conv_transpose2d_16->3_k2_s2", "f32", "≤ 0.2"),
 ("gauss5", "gaussian 5×5, BGR u8", "GaussianBlur_5x5_sigma_auto", "u8c3", "≤ 0.6"),
 ("gauss9", "gaussian 9×9 σ1.5, BGR u8", "GaussianBlur_9x9_sigma1.5", "u8c3", "≤ 0.6"),
 ("sobeldx", "sobel dx, gray → s16", "Sobel3x3_dx", "u8c1->16S", "≤ 1.0"),
 ("sobelmag", "sobel-magnitude BGR → u8 (fused)", "Sobel_magnitude_pipeline_from_bgr", "u8c3->gray", "≤ 0.4"),
 ("conv5", "conv (filter2D) 5×5, BGR u8", "filter2D_5x5", "u8c3", "≤ 0.25"),
 ("conv7", "conv (filter2D) 7×7, BGR u8", "filter2D_7x7", "u8c3", "≤ 0.25"),
 ("gray", "gray (BGR → gray)", "cvtColor_BGR2GRAY", "u8c3->u8c1", "≤ 1.0"),
 ("maxpool2", "maxpool 2×2, BGR u8", "maxpool2x2s2", "u8c3", "≤ 1.0"),
 ("avgpool2", "avgpool 2×2, BGR u8", "avgpool2x2s2", "u8c3", "≤ 1.0"),
]
print("| work (1920×1080) | ConvStream ms 1T / 2T | baseline ms 1T / 2T | ratio 1T / 2T | goal |")
print("| --- | --- | --- | --- | --- |")
fmt = lambda v: "—" if v is None else f"{v:.2f}"
for name, desc, op, var, goal in rows:
    o = [ours.get((name, t)) for t in (1, 2)]
    bb = [b(op, var, t) for t in (1, 2)]
    ra = [None if (x is None or y is None) else x / y for x, y in zip(o, bb)]
    print(f"| {desc} | {fmt(o[0])} / {fmt(o[1])} | {fmt(bb[0])} / {fmt(bb[1])} | {fmt(ra[0])} / {fmt(ra[1])} | {goal} |")
EOF
