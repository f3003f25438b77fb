#!/usr/bin/env bash
# Issue 13's whole-job figures, in one sitting, as medians of RUNS runs each:
#  1. a 10 s 1920x1080 30 fps H.264 clip through demo.json's four branches (gaussian 9x9, Sobel
#     magnitude, the 3x3 emboss kernel, a 2x2 max-pool) with null outputs: `convstream run`
#     (decode + the four stages) against ffmpeg's own filtergraph doing comparable work (gblur,
#     sobel, a 3x3 convolution, a 2x downscale: split into four null outputs), and against ffmpeg
#     decoding alone (the floor both share);
#  2. `convstream bench filters/pipelines/bench.json --size 1920x1080` frames/s against the same four
#     operations through OpenCV-Python one after another (demo_cv2_baseline.py), with the worst
#     per-stage p99 ÷ p50 and the bytes allocated per frame.
# The clip is made here with ffmpeg's testsrc2 (moving, textured) and libx264, and deleted after.
#   tests/ConvStream.Benchmarks/whole_job.sh [RUNS]     (RUNS defaults to 3)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
runs="${1:-3}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
py=/usr/bin/python3

dotnet build "$root/src/ConvStream.Cli" -c Release -o "$work/cli" -v quiet -nologo >/dev/null
cs="$work/cli/convstream"
ffmpeg -hide_banner -loglevel error -f lavfi -i testsrc2=size=1920x1080:rate=30 -t 10 \
  -c:v libx264 -preset veryfast -pix_fmt yuv420p "$work/clip.mp4"

# demo.json's stages with null outputs (the same file, its outputs replaced).
"$py" - "$root/filters/pipelines/demo.json" "$work/job.json" <<'EOF'
import sys, re, json, os
text = open(sys.argv[1]).read()
text = re.sub(r"//[^\n]*", "", text); text = re.sub(r",(\s*[}\]])", r"\1", text)
d = json.loads(text)
d["source"] = "clip.mp4"
for s in d["stages"]:
    if "kernel" in s: s["kernel"] = os.path.join(os.path.dirname(os.path.abspath(sys.argv[1])), s["kernel"])
d["outputs"] = [{"kind": "null", "stage": s["name"]} for s in d["stages"]]
json.dump(d, open(sys.argv[2], "w"), indent=1)
EOF

# seconds of wall time of one command
wall() { local t0 t1; t0=$(date +%s.%N); "$@" >/dev/null 2>"$work/err" || { echo "failed: $*" >&2; cat "$work/err" >&2; exit 1; }; t1=$(date +%s.%N); awk "BEGIN {print $t1 - $t0}"; }
median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

cd "$work"
graph="[0:v]split=4[a][b][c][d];[a]gblur=sigma=2[o1];[b]sobel[o2];[c]convolution=0m='-2 -1 0 -1 1 1 0 1 2':0rdiv=1:1m='-2 -1 0 -1 1 1 0 1 2':2m='-2 -1 0 -1 1 1 0 1 2'[o3];[d]scale=iw/2:ih/2[o4]"
for i in $(seq "$runs"); do
  wall "$cs" run job.json --output out >> ours.txt
  wall ffmpeg -hide_banner -loglevel error -i clip.mp4 -filter_complex "$graph" \
    -map '[o1]' -f null - -map '[o2]' -f null - -map '[o3]' -f null - -map '[o4]' -f null - >> ffmpeg.txt
  wall ffmpeg -hide_banner -loglevel error -i clip.mp4 -f null - >> decode.txt
  # What convstream's reader is handed: ffmpeg decoding and converting to bgr24, through a pipe.
  wall bash -c 'ffmpeg -hide_banner -loglevel error -i clip.mp4 -f rawvideo -pix_fmt bgr24 - | cat > /dev/null' >> pipe.txt
done
o=$(median < ours.txt); f=$(median < ffmpeg.txt); d=$(median < decode.txt); p=$(median < pipe.txt)
printf '| whole job, 10 s 1080p H.264, median of %s | s |\n| --- | ---: |\n' "$runs"
printf '| convstream run (demo.json stages, null outputs) | %.2f |\n| ffmpeg filtergraph (gblur, sobel, 3x3 convolution, 2x downscale) | %.2f |\n| ffmpeg decode alone | %.2f |\n| ffmpeg decode to bgr24 through a pipe (what convstream reads) | %.2f |\n' "$o" "$f" "$d" "$p"
printf '| ratio convstream ÷ ffmpeg filtergraph (goal ≤ 0.45) | %.2f |\n| decode alone ÷ ffmpeg filtergraph | %.2f |\n| decode to bgr24 through a pipe ÷ ffmpeg filtergraph (the floor of convstream run) | %.2f |\n\n' \
  "$(awk "BEGIN {print $o / $f}")" "$(awk "BEGIN {print $d / $f}")" "$(awk "BEGIN {print $p / $f}")"

# 2. frames/s of the four stages on one synthetic frame stream, against OpenCV-Python.
"$cs" bench "$root/filters/pipelines/bench.json" --size 1920x1080 --frames 300 --warmup 100 --json bench.json > /dev/null 2>&1
"$py" "$root/tests/ConvStream.Benchmarks/demo_cv2_baseline.py" 1920x1080 3 > cv2.txt
"$py" - <<'EOF'
import json, re
b = json.load(open("bench.json"))
fps = b["fps"]
ratios = [(s["name"], s["compute_ms"]["p99"] / s["compute_ms"]["p50"]) for s in b["stages"] if s["compute_ms"]["p50"] > 0]
cv = [float(v) for v in re.findall(r"fps=([0-9.]+)", open("cv2.txt").read())]
print("| bench.json at 1920x1080 | value |\n| --- | ---: |")
print(f"| convstream frames/s ({b['threads']} thread(s) per stage) | {fps:.1f} |")
print(f"| OpenCV-Python frames/s, 1 / 2 threads | {' / '.join(f'{v:.1f}' for v in cv)} |")
print(f"| ratio convstream ÷ the faster OpenCV-Python (goal ≥ 3) | {fps / max(cv):.2f} |")
worst = max(ratios, key=lambda r: r[1])
print(f"| worst per-stage compute p99 ÷ p50 (goal ≤ 1.5) | {worst[1]:.2f} ({worst[0]}) |")
print(f"| bytes allocated per frame | {b['allocated_bytes_per_frame']} |")
EOF
