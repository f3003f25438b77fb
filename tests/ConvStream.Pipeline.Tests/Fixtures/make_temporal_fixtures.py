#!/usr/bin/python3
"""Makes the NumPy fixtures of the temporal stages (tests/ConvStream.Pipeline.Tests/TemporalStageTests.cs).

Run with Debian's Python (numpy 1.24) and ffmpeg on PATH:

    /usr/bin/python3 tests/ConvStream.Pipeline.Tests/Fixtures/make_temporal_fixtures.py

The frames are real: the first 8 frames of media/sample.mp4 decoded by ffmpeg to bgr24, cropped
to 40x24 at (400, 240) (moving bars and edges of the test pattern, where about half the samples
change from one frame to the next) to keep the files small. They are saved as temporal/frames.npy
(T,H,W,C uint8), so the test does not depend on the ffmpeg it runs with.

The expected outputs are computed here with NumPy from DESIGN's and the README's definitions,
never from ConvStream, one output per input frame as an offline run gives them:
  tmix     out[t] = clip(rint(sum_i w_i * f[t - P + i] / S), 0, 255) in float64 (rint: ties to even),
           frames outside the clip by the border rule (replicate: first/last frame; zeros: black);
           P = span-1 (causal), or span-1-(span-1)//2 (centred).
  tdiff    |f[t] - f[t-1]| (uint8), f[t] - f[t-1] (int16), (|d| > T) * 255; f[-1] by the border rule.
  running-average  bg[0] = f[0]; bg[t] = bg + a*(f[t] - bg) in float32 (each step rounded to float32).
  foreground       255 where any channel has |f[t] - bg[t]| > T (float32), else 0; one channel.
cases.json lists each case: its file, the stage spec, and the output dtype.
"""
import json
import os
import subprocess

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "temporal")
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
W, H, X0, Y0, W0, H0, T = 640, 360, 400, 240, 40, 24, 8


def decode():
    raw = subprocess.run(["ffmpeg", "-v", "error", "-i", os.path.join(ROOT, "media", "sample.mp4"), "-frames:v", str(T),
                          "-f", "rawvideo", "-pix_fmt", "bgr24", "-"], check=True, capture_output=True).stdout
    frames = np.frombuffer(raw, np.uint8).reshape(T, H, W, 3)
    return np.ascontiguousarray(frames[:, Y0:Y0 + H0, X0:X0 + W0, :])


def at(frames, i, border):
    if 0 <= i < len(frames):
        return frames[i].astype(np.float64)
    if border == "zeros":
        return np.zeros(frames[0].shape, np.float64)
    return frames[0 if i < 0 else len(frames) - 1].astype(np.float64)


def tmix(frames, weights, mode, border, scale=None):
    span = len(weights)
    future = (span - 1) // 2 if mode == "centred" else 0
    past = span - 1 - future
    s = sum(weights) if scale is None else scale
    out = []
    for t in range(len(frames)):
        acc = sum(w * at(frames, t - past + i, border) for i, w in enumerate(weights)) / s
        out.append(np.clip(np.rint(acc), 0, 255).astype(np.uint8))
    return np.stack(out)


def tdiff(frames, kind, border, threshold=None):
    out = []
    for t in range(len(frames)):
        d = frames[t].astype(np.int16) - at(frames, t - 1, border).astype(np.int16)
        if kind == "signed":
            out.append(d)
        elif threshold is None:
            out.append(np.abs(d).astype(np.uint8))
        else:
            out.append(np.where(np.abs(d) > threshold, 255, 0).astype(np.uint8))
    return np.stack(out)


def running_average(frames, alpha):
    a = np.float32(alpha)
    bg = frames[0].astype(np.float32)
    out = [bg.copy()]
    for t in range(1, len(frames)):
        f = frames[t].astype(np.float32)
        bg = (bg + a * (f - bg)).astype(np.float32)
        out.append(bg.copy())
    return np.stack(out)


def foreground(frames, backgrounds, threshold):
    d = np.abs(frames.astype(np.float32) - backgrounds) > np.float32(threshold)
    return np.where(d.any(axis=3, keepdims=True), 255, 0).astype(np.uint8)


def main():
    os.makedirs(OUT, exist_ok=True)
    for f in os.listdir(OUT):
        os.remove(os.path.join(OUT, f))
    frames = decode()
    np.save(os.path.join(OUT, "frames.npy"), frames)
    cases = []

    def case(name, stage, expected):
        np.save(os.path.join(OUT, name + ".npy"), expected)
        cases.append({"name": name, "stage": stage, "dtype": str(expected.dtype)})

    case("tmix_121_centred", "tmix:weights=1;2;1,mode=centred", tmix(frames, [1, 2, 1], "centred", "replicate"))
    case("tmix_121_causal", "tmix:weights=1;2;1,mode=causal", tmix(frames, [1, 2, 1], "causal", "replicate"))
    case("tmix_5_causal_zeros", "tmix:weights=1;1;1;1;1,mode=causal,time-border=zeros", tmix(frames, [1] * 5, "causal", "zeros"))
    case("tmix_14641_centred_zeros", "tmix:weights=1;4;6;4;1,mode=centred,time-border=zeros", tmix(frames, [1, 4, 6, 4, 1], "centred", "zeros"))
    case("tmix_4_centred", "tmix:weights=1;3;3;1,mode=centred", tmix(frames, [1, 3, 3, 1], "centred", "replicate"))
    case("tmix_sum_saturates", "tmix:weights=1;1,scale=1,mode=causal", tmix(frames, [1, 1], "causal", "replicate", scale=1))
    case("tmix_sharpen_ties", "tmix:weights=-1;3,scale=2,mode=causal", tmix(frames, [-1, 3], "causal", "replicate", scale=2))
    case("tmix_long_clip_window", "tmix:weights=1;1;1;1;1;1;1;1;1;1;1,mode=centred",
         tmix(frames, [1] * 11, "centred", "replicate"))
    case("tdiff_abs", "tdiff", tdiff(frames, "abs", "replicate"))
    case("tdiff_signed", "tdiff:abs=false", tdiff(frames, "signed", "replicate"))
    case("tdiff_threshold", "tdiff:threshold=12", tdiff(frames, "abs", "replicate", 12))
    case("tdiff_zeros", "tdiff:time-border=zeros", tdiff(frames, "abs", "zeros"))
    bg = running_average(frames, 0.25)
    case("running_average", "running-average:alpha=0.25", bg)
    case("foreground", "foreground:threshold=10", foreground(frames, bg, 10))
    with open(os.path.join(OUT, "cases.json"), "w") as f:
        json.dump(cases, f, indent=1)
        f.write("\n")
    total = sum(os.path.getsize(os.path.join(OUT, n)) for n in os.listdir(OUT))
    print(f"{len(cases)} cases, {total} bytes in {OUT}")
    changed = np.mean(np.abs(frames[1:].astype(int) - frames[:-1]) > 0)
    print(f"{changed:.0%} of the samples change between consecutive frames")


if __name__ == "__main__":
    main()
