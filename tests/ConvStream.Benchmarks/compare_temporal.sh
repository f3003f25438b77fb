#!/usr/bin/env bash
# The temporal work side by side with its baselines, in one sitting, as ratios (ConvStream time /
# baseline time; < 1 is faster), at 1920x1080:
#  - tmix over 3 and 5 frames of BGR u8 vs ffmpeg's tmix (on gbrp, the same bytes planar; ffmpeg's
#    tmix has no packed-RGB path). ConvStream: `convstream bench` compute p50 of the tmix stage.
#    ffmpeg: CPU time (user + system) of `-vf format=gbrp,tmix` minus `-vf format=gbrp` over the
#    same frames (a raw gbrp clip read from the page cache, looped), divided by the frame count,
#    median of 3 runs. CPU time, because on a loaded machine ffmpeg's wall time is mostly waiting
#    for a core; with 2 threads it sums both threads' work (wall time would be about half).
#  - conv3d 3->8 3x3x3 (3 input frames -> 1 output frame, spatial padding 1) vs PyTorch's
#    F.conv3d (float32, NCDHW and channels_last_3d, the better one), both medians of 10 calls;
#    PyTorch's as CPU time of the process (time.process_time: the sum over its threads).
# 1 and 2 threads each. Needs ffmpeg, /usr/bin/python3 with numpy and torch (Debian).
#   tests/ConvStream.Benchmarks/compare_temporal.sh [FRAMES]     (prints a Markdown table)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
frames="${1:-200}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
py=/usr/bin/python3
dotnet build "$root/src/ConvStream.Cli" -c Release -o "$work/cli" -v quiet -nologo >/dev/null
cs="$work/cli/convstream"
cd "$work"

ffmpeg -v error -f lavfi -i testsrc2=s=1920x1080:r=30 -frames:v 12 -pix_fmt gbrp -f rawvideo clip.gbrp
median3() { sort -n | sed -n 2p; }
ff_ms() { # THREADS FILTER → ms per frame of FILTER beyond format conversion
  local t="$1" f="$2" with without
  run() { /usr/bin/time -f "%U %S" ffmpeg -v error -threads 1 -filter_threads "$t" -stream_loop -1 -f rawvideo -pix_fmt gbrp -s 1920x1080 -r 30 \
            -i clip.gbrp -frames:v "$frames" -vf "$1" -f null - 2>&1 | tail -1 | awk '{ print $1 + $2 }'; }
  with=$(for i in 1 2 3; do run "format=gbrp,$f"; done | median3)
  without=$(for i in 1 2 3; do run "format=gbrp"; done | median3)
  "$py" -c "print(f'{max(0.0, ($with - $without) * 1000 / $frames):.3f}')"
}
ours_tmix() { # THREADS WEIGHTS → compute p50 ms
  cat > p.json <<JSON
{ "source": "test:1920x1080@30", "stages": [ { "name": "tmix", "op": "tmix", "input": "source", "weights": "$2", "mode": "causal" } ],
  "outputs": [ { "kind": "null", "stage": "tmix" } ], "schedule": { "mode": "offline", "capacity": 4, "threads": $1 } }
JSON
  "$cs" bench p.json --frames "$frames" --threads "$1" --json b.json >/dev/null 2>&1
  "$py" -c "import json; print(f\"{json.load(open('b.json'))['stages'][0]['compute_ms']['p50']:.3f}\")"
}

"$py" - <<'PY'
import numpy as np
r = np.random.default_rng(0)
np.save("x3.npy", r.random((1, 3, 3, 1080, 1920)).astype(np.float32))
np.save("w8.npy", r.standard_normal((8, 3, 3, 3, 3)).astype(np.float32))
np.save("b8.npy", r.standard_normal(8).astype(np.float32))
PY
cat > torch3d.py <<'PY'
import sys, time, numpy as np, torch, torch.nn.functional as F
torch.set_num_threads(int(sys.argv[1]))
x = torch.from_numpy(np.load("x3.npy")); w = torch.from_numpy(np.load("w8.npy")); b = torch.from_numpy(np.load("b8.npy"))
best = None
for cl in (False, True):
    xx = x.contiguous(memory_format=torch.channels_last_3d) if cl else x
    ww = w.contiguous(memory_format=torch.channels_last_3d) if cl else w
    with torch.inference_mode():
        F.conv3d(xx, ww, b, padding=(0, 1, 1))
        t = []
        for _ in range(10):
            t0 = time.process_time(); F.conv3d(xx, ww, b, padding=(0, 1, 1)); t.append((time.process_time() - t0) * 1e3)
    t.sort(); m = (t[4] + t[5]) / 2
    best = m if best is None else min(best, m)
print(f"{best:.3f}")
PY

echo "| work (1920x1080) | threads | ConvStream ms | baseline ms | ratio |"
echo "| --- | ---: | ---: | ---: | ---: |"
for t in 1 2; do
  for n in 3 5; do
    weights=$("$py" -c "print(';'.join(['1'] * $n))")
    ours=$(ours_tmix "$t" "$weights")
    theirs=$(ff_ms "$t" "tmix=frames=$n")
    echo "| tmix $n frames, BGR u8 (vs ffmpeg tmix) | $t | $ours | $theirs | $("$py" -c "print(f'{$ours / max($theirs, 1e-9):.2f}')") |"
  done
  ours=$(CONVSTREAM_THREADS=$t "$cs" op conv3d --input x3.npy --weight w8.npy --bias b8.npy --padding 0,1,1 --output y.npy --repeat 10 2>&1 >/dev/null | grep -o 'median_ms=[0-9.]*' | cut -d= -f2)
  theirs=$("$py" torch3d.py "$t")
  echo "| conv3d 3→8 3×3×3, 3 frames → 1 (vs PyTorch) | $t | $ours | $theirs | $("$py" -c "print(f'{$ours / $theirs:.2f}')") |"
done
