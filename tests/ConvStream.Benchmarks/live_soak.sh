#!/usr/bin/env bash
# Live soak: runs the demo pipeline live on the paced synthetic camera for a while (10 minutes by
# default) and samples the process's resident memory (VmRSS, /proc) every few seconds. Not a test:
# it takes minutes and measures a machine. It prints the samples, then one line:
#   rss_mb first=… last=… max=… slope_kb_per_s=… theil_sen_kb_per_s=… (second half, after warm-up)
# slope is the least-squares fit; theil_sen the median of the slopes between every pair of samples,
# which a one-off step (a thread started late) hardly moves. A flat pipeline shows ~0 once warm;
# the 3-minute run that found the creep grew by ~29 KB/s (83.7 → 88.6 MB): a Task.Delay per paced
# frame, fixed in SyntheticSource. The test suite's short version is LiveSoakTests (40 s, ≤ 4 KB/s).
#
#   tests/ConvStream.Benchmarks/live_soak.sh [SECONDS] [INPUT] [PIPELINE]
#   tests/ConvStream.Benchmarks/live_soak.sh 600 test:1280x720@30 filters/pipelines/demo.json
# Linux only (/proc). Build first: ./run.sh build
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds="${1:-600}"; input="${2:-test:1280x720@30}"; pipeline="${3:-filters/pipelines/demo.json}"
period=5
exe=artifacts/convstream/convstream
[ -x "$exe" ] || { echo "live_soak: $exe is missing; run ./run.sh build" >&2; exit 1; }
out=$(mktemp -d)
log=$(mktemp)
trap 'kill -INT "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$out" "$log"' EXIT

frames=$(awk -v s="$seconds" -v i="$input" 'BEGIN { n = split(i, a, "@"); fps = (n > 1) ? a[2] : 30; print int(s * fps) }')
"$exe" run "$pipeline" --live --input "$input" --frames "$frames" --output "$out" >"$log" 2>&1 &
pid=$!
echo "live_soak: pid $pid, $pipeline on $input for ${seconds}s ($frames frames), RSS every ${period}s"
samples=()
t=0
while kill -0 "$pid" 2>/dev/null && [ "$t" -le "$seconds" ]; do
  rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status" 2>/dev/null || true)
  [ -n "$rss" ] && { samples+=("$t $rss"); echo "t=${t}s rss_kb=$rss"; }
  sleep "$period"; t=$((t + period))
done
wait "$pid" || true
sed -n "/^node /,\$p" "$log"  # the summary: frames, drops and latency per stage, then each file
printf '%s\n' "${samples[@]}" | awk '
  { t[NR] = $1; r[NR] = $2; if ($2 > max) max = $2 }
  END {
    if (NR < 4) { print "live_soak: too few samples"; exit 1 }
    h = int(NR / 2) + 1; n = 0; st = sr = stt = str = 0
    for (i = h; i <= NR; i++) { n++; st += t[i]; sr += r[i]; stt += t[i] * t[i]; str += t[i] * r[i] }
    slope = (n * str - st * sr) / (n * stt - st * st)
    m = 0
    for (i = h; i <= NR; i++) for (j = i + 1; j <= NR; j++) if (t[j] > t[i]) {
      v = (r[j] - r[i]) / (t[j] - t[i]); k = ++m
      while (k > 1 && p[k - 1] > v) { p[k] = p[k - 1]; k-- }   # insertion sort (mawk has no asort)
      p[k] = v
    }
    ts = (m % 2) ? p[(m + 1) / 2] : (p[m / 2] + p[m / 2 + 1]) / 2
    printf "rss_mb first=%.1f last=%.1f max=%.1f slope_kb_per_s=%.2f theil_sen_kb_per_s=%.2f (second half, %d samples)\n", r[1] / 1024, r[NR] / 1024, max / 1024, slope, ts, n
  }'
