#!/usr/bin/env bash
# Makes media/sample.mp4: the short clip the demo and the docs use. 640x360, 4 s at 30 fps,
# H.264 (yuv420p, CRF 28) with a 440 Hz AAC tone. The picture is ffmpeg's testsrc2 (moving
# colour bars, a counter and a sweeping gradient: hard edges and motion for edge filters) with
# a small Mandelbrot zoom overlaid in a corner (fine detail that changes every frame).
# The moov atom is moved to the front (+faststart) so a truncated copy still decodes up to the cut.
set -euo pipefail
cd "$(dirname "$0")"
ffmpeg -hide_banner -loglevel error -y \
  -f lavfi -i "testsrc2=size=640x360:rate=30:duration=4" \
  -f lavfi -i "mandelbrot=size=200x150:rate=30" \
  -f lavfi -i "sine=frequency=440:sample_rate=48000:duration=4" \
  -filter_complex "[0:v][1:v]overlay=x=W-w-16:y=16:shortest=1[v]" \
  -map "[v]" -map 2:a \
  -c:v libx264 -preset slow -crf 28 -pix_fmt yuv420p -g 30 \
  -c:a aac -b:a 64k \
  -movflags +faststart -t 4 \
  sample.mp4
ls -l sample.mp4
