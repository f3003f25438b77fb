#!/usr/bin/python3
"""Makes the before/after pairs `convstream fit` is tested against (tests/ConvStream.Cli.Tests/FitCommandTests.cs).

Run with Debian's Python and OpenCV 4.6 (python3-opencv) and ffmpeg on PATH:

    /usr/bin/python3 tests/ConvStream.Cli.Tests/Fixtures/fit/make_fit_fixtures.py

Every AFTER image is made by OpenCV (cv2.filter2D, cv2.GaussianBlur, cv2.transform, cv2.cvtColor),
never by ConvStream, so the fit's border and anchor conventions are checked against an outside
library. kernels.json records, per case, the kernel OpenCV applied and the call that applied it.
The videos are FFV1 (lossless, bgr0) so the frames decode to exactly the bytes OpenCV filtered.
Output is deterministic (fixed seeds) and the folder stays well under 1 MB.
"""
import json
import os
import subprocess

import cv2
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(12)


def texture(h, w, c, seed):
    """Noise plus oriented sinusoids: detail in every direction, 8-bit range without clipping."""
    r = np.random.default_rng(seed)
    y, x = np.mgrid[0:h, 0:w].astype(np.float64)
    img = np.full((h, w, c), 128.0)
    for ch in range(c):
        for _ in range(4):
            fx, fy, ph = r.uniform(-0.3, 0.3), r.uniform(-0.3, 0.3), r.uniform(0, 6.28)
            img[:, :, ch] += 22 * np.sin(fx * x + fy * y + ph)
    img += r.uniform(-30, 30, size=img.shape)
    return np.clip(img, 10, 245)


cases = {}
before_u8 = np.round(texture(64, 96, 3, 1)).astype(np.uint8)
holdout_u8 = np.round(texture(64, 96, 3, 2)).astype(np.uint8)
cv2.imwrite(os.path.join(HERE, "before.png"), before_u8)
cv2.imwrite(os.path.join(HERE, "holdout.png"), holdout_u8)
before_f32 = texture(64, 96, 3, 3).astype(np.float32)
np.save(os.path.join(HERE, "before_f32.npy"), before_f32)

# filter2D, 8-bit, default border (BORDER_REFLECT_101), asymmetric kernel + delta: checks the anchor and correlation.
emboss = np.array([[-2, -1, 0], [-1, 1, 1], [0, 1, 2]], np.float32)
cv2.imwrite(os.path.join(HERE, "emboss.png"), cv2.filter2D(before_u8, -1, emboss, delta=128))
cv2.imwrite(os.path.join(HERE, "holdout_emboss.png"), cv2.filter2D(holdout_u8, -1, emboss, delta=128))
cases["emboss"] = {"weights": emboss.tolist(), "bias": 128, "made_by": "cv2.filter2D(before, -1, emboss, delta=128)"}

# filter2D, float32, an even 4x4 kernel (anchor (2,2): the extra cell before), BORDER_REPLICATE.
even4 = np.round(rng.uniform(-1, 1, size=(4, 4)), 3).astype(np.float32)
np.save(os.path.join(HERE, "even4_replicate.npy"), cv2.filter2D(before_f32, -1, even4, borderType=cv2.BORDER_REPLICATE))
cases["even4_replicate"] = {"weights": even4.tolist(), "made_by": "cv2.filter2D(before_f32, -1, even4, borderType=cv2.BORDER_REPLICATE)"}

# filter2D, float32, a random 5x5 with zeros outside (BORDER_CONSTANT).
rand5 = np.round(rng.uniform(-1, 1, size=(5, 5)), 3).astype(np.float32)
np.save(os.path.join(HERE, "rand5_zeros.npy"), cv2.filter2D(before_f32, -1, rand5, borderType=cv2.BORDER_CONSTANT))
cases["rand5_zeros"] = {"weights": rand5.tolist(), "made_by": "cv2.filter2D(before_f32, -1, rand5, borderType=cv2.BORDER_CONSTANT)"}

# GaussianBlur 5x5 sigma 1.2 on 8-bit (OpenCV's bit-exact fixed point): the separable Gaussian.
g = cv2.getGaussianKernel(5, 1.2)
cv2.imwrite(os.path.join(HERE, "gaussian.png"), cv2.GaussianBlur(before_u8, (5, 5), 1.2))
cv2.imwrite(os.path.join(HERE, "holdout_gaussian.png"), cv2.GaussianBlur(holdout_u8, (5, 5), 1.2))
cases["gaussian"] = {"weights": (g @ g.T).tolist(), "made_by": "cv2.GaussianBlur(before, (5, 5), 1.2); weights = getGaussianKernel(5, 1.2) outer itself"}

# A 3 -> 3 colour mix with offsets (cv2.transform with a 3x4 matrix), float32: a full 1x1 kernel with bias.
mix = np.round(rng.uniform(-0.8, 0.8, size=(3, 4)), 3).astype(np.float32)
mix[:, 3] = [12.5, -40.0, 3.0]
np.save(os.path.join(HERE, "colour_mix.npy"), cv2.transform(before_f32, mix))
cases["colour_mix"] = {"weights": mix[:, :3].tolist(), "bias": mix[:, 3].tolist(), "made_by": "cv2.transform(before_f32, mix) with mix 3x4 = [M | offset]"}

# BGR -> gray in float (cvtColor's 0.114 B + 0.587 G + 0.299 R): a 3 -> 1 kernel.
np.save(os.path.join(HERE, "gray.npy"), cv2.cvtColor(before_f32, cv2.COLOR_BGR2GRAY))
cases["gray"] = {"weights": [0.114, 0.587, 0.299], "made_by": "cv2.cvtColor(before_f32, cv2.COLOR_BGR2GRAY)"}

# A flat image and a single-stripe image (no texture), and a NaN in a float image.
np.save(os.path.join(HERE, "flat.npy"), np.full((40, 50), 77, np.uint8))
stripe = np.tile(np.round(texture(1, 50, 1, 4)[0, :, 0]).astype(np.uint8), (40, 1))
np.save(os.path.join(HERE, "stripe.npy"), stripe)
nan = before_f32.copy()
nan[5, 9, 1] = np.nan
np.save(os.path.join(HERE, "nan.npy"), nan)
cv2.imwrite(os.path.join(HERE, "small.png"), before_u8[:4, :6])


def video(name, frames, fps):
    h, w, _ = frames[0].shape
    p = subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "rawvideo", "-pix_fmt", "bgr24", "-s", f"{w}x{h}", "-r", str(fps),
                        "-i", "-", "-c:v", "ffv1", "-pix_fmt", "bgr0", os.path.join(HERE, name)],
                       input=b"".join(f.tobytes() for f in frames))
    assert p.returncode == 0


clip = [np.round(texture(48, 64, 3, 100 + i)).astype(np.uint8) for i in range(10)]
video("clip.mkv", clip, 10)
video("clip_emboss.mkv", [cv2.filter2D(f, -1, emboss, delta=128) for f in clip], 10)
video("clip_emboss_short.mkv", [cv2.filter2D(f, -1, emboss, delta=128) for f in clip[:8]], 10)
video("clip_emboss_25fps.mkv", [cv2.filter2D(f, -1, emboss, delta=128) for f in clip], 25)
cases["clip_emboss"] = {"weights": emboss.tolist(), "bias": 128, "made_by": "cv2.filter2D(frame, -1, emboss, delta=128) per frame of clip.mkv"}

with open(os.path.join(HERE, "kernels.json"), "w") as f:
    json.dump({"opencv": cv2.__version__, "cases": cases}, f, indent=1)
