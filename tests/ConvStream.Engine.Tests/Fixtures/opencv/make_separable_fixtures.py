#!/usr/bin/python3
"""Makes the OpenCV 4.6 fixtures for the separable 8-bit filters (gaussian, box, sobel, scharr,
laplacian). Run with Debian's Python: /usr/bin/python3 make_separable_fixtures.py

Writes separable/*.npy (inputs once, one output per case) and separable/cases.json, which lists
every case's op, stage keys, input and output file. OpenCV refuses BORDER_WRAP in its generic
filter engine (box, Sobel, Scharr, Laplacian), so for `circular` those outputs are OpenCV's own
op applied to the image wrap-padded by numpy (np.pad mode='wrap') and cropped back: the same
sums over a periodic image. GaussianBlur on 8-bit accepts BORDER_WRAP and is used directly.
"""
import json, os
import numpy as np
import cv2

assert cv2.__version__.startswith("4.6"), cv2.__version__
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "separable")
os.makedirs(OUT, exist_ok=True)
for f in os.listdir(OUT):
    os.remove(os.path.join(OUT, f))

BORDERS = {"reflect": cv2.BORDER_REFLECT_101, "replicate": cv2.BORDER_REPLICATE,
           "symmetric": cv2.BORDER_REFLECT, "zeros": cv2.BORDER_CONSTANT, "circular": cv2.BORDER_WRAP}
DEPTHS = {"u8": cv2.CV_8U, "s16": cv2.CV_16S, "f32": cv2.CV_32F}


def make_image(w, h, c, seed):
    """Seeded noise plus a ramp and a hard edge, so sums hit both smooth and extreme values."""
    rng = np.random.RandomState(seed)
    y, x = np.mgrid[0:h, 0:w]
    base = (x * 255 // max(w - 1, 1) + y * 7) % 256
    img = np.empty((h, w, c), np.uint8)
    for k in range(c):
        noise = rng.randint(0, 256, (h, w))
        ch = np.where((x + y + k) % 5 < 2, noise, base)
        ch = np.where(x > w // 2 + k, 255 - ch // 8, ch)   # a bright edge
        ch[0, 0] = 255; ch[-1, -1] = 0
        img[:, :, k] = ch
    return img[:, :, 0] if c == 1 else img


IMAGES = {
    "g23x15": make_image(23, 15, 1, 1),
    "c23x15": make_image(23, 15, 3, 2),
    "g1x1": make_image(1, 1, 1, 3),
    "g1x5": make_image(1, 5, 1, 4),      # one pixel wide
    "c6x1": make_image(6, 1, 3, 5),      # one pixel tall
    "c3x2": make_image(3, 2, 3, 6),
    "g2x7": make_image(2, 7, 1, 7),
}
MAIN = ["g23x15", "c23x15"]
TINY = ["g1x1", "g1x5", "c6x1", "c3x2", "g2x7"]
for name, img in IMAGES.items():
    np.save(os.path.join(OUT, f"in_{name}.npy"), img)

cases = []
ALL = list(BORDERS)


def borders_for(i):
    """Every border for the first parameter sets of an op; reflect plus one other (rotating) after,
    so every border still meets every op and the fixtures stay small."""
    return ALL if i < 3 else ["reflect", ALL[1 + i % 4]]


def periodic(fn, img, reach):
    """OpenCV's op on a wrap-padded copy, cropped: the circular border OpenCV's engine refuses."""
    pad = ((reach, reach), (reach, reach)) + (((0, 0),) if img.ndim == 3 else ())
    big = np.pad(img, pad, mode="wrap")
    out = fn(big, cv2.BORDER_REPLICATE)
    return out[reach:reach + img.shape[0], reach:reach + img.shape[1]]


def add(op, keys, image, border, fn, reach, wrap_native=False):
    img = IMAGES[image]
    if border == "circular" and not wrap_native:
        out = periodic(fn, img, reach)
    else:
        out = fn(img, BORDERS[border])
    out = np.ascontiguousarray(out)
    n = len(cases)
    fname = f"out_{n:04d}_{op}.npy"
    np.save(os.path.join(OUT, fname), out)
    spec = op + ":" + ",".join(f"{k}={v}" for k, v in keys.items()) + f",border={border}"
    cases.append({"op": op, "stage": spec, "input": f"in_{image}.npy", "output": fname,
                  "dtype": str(out.dtype), "exact": out.dtype != np.float32})


# --- gaussian: (size, sigma, sigma_y) ---
gauss_main = [(3, 0, 0), (5, 0, 0), (7, 0, 0), (9, 0, 0), (11, 0, 0), (5, 1.1, 0), (9, 1.5, 0),
              (7, 2.0, 1.0), (15, 3.3, 0), (5, 0.3, 0), (0, 1.2, 0), (0, 0.9, 2.1), (13, 0, 0.7)]
gauss_tiny = [(3, 0, 0), (5, 1.1, 0), (9, 1.5, 0)]
for images, params in ((MAIN, gauss_main), (TINY, gauss_tiny)):
    for image in images:
        for i, (k, s, sy) in enumerate(params):
            for border in borders_for(i):
                keys = {"size": k, "sigma": s}
                if sy:
                    keys["sigma_y"] = sy
                add("gaussian", keys, image, border,
                    lambda im, b, k=k, s=s, sy=sy: cv2.GaussianBlur(im, (k, k), s, sigmaY=sy, borderType=b),
                    20, wrap_native=True)

# --- box: (size, normalize, depth) ---
box_main = [(3, True, "u8"), (5, True, "u8"), (4, True, "u8"), (9, True, "u8"), (17, True, "u8"),
            (1, True, "u8"), (3, False, "u8"), (5, False, "s16"), (5, True, "s16"), (5, True, "f32"),
            (6, False, "f32")]
box_tiny = [(3, True, "u8"), (5, True, "u8"), (4, False, "s16")]
for images, params in ((MAIN, box_main), (TINY, box_tiny)):
    for image in images:
        for i, (k, norm, depth) in enumerate(params):
            for border in borders_for(i):
                keys = {"size": k, "normalize": str(norm).lower(), "depth": depth}
                add("box", keys, image, border,
                    lambda im, b, k=k, norm=norm, depth=depth: cv2.boxFilter(im, DEPTHS[depth], (k, k), normalize=norm, borderType=b),
                    k + 1)

# --- sobel: (dx, dy, size, depth, scale, delta) ---
sobel_main = [(1, 0, 3, "s16", 1, 0), (0, 1, 3, "s16", 1, 0), (1, 1, 3, "s16", 1, 0),
              (1, 0, 1, "s16", 1, 0), (0, 1, 1, "s16", 1, 0), (2, 0, 1, "s16", 1, 0),
              (1, 0, 5, "s16", 1, 0), (0, 2, 5, "s16", 1, 0), (1, 0, 7, "s16", 1, 0), (2, 1, 7, "s16", 1, 0),
              (3, 0, 7, "s16", 1, 0), (1, 0, 3, "u8", 1, 0), (0, 1, 5, "u8", 1, 128),
              (1, 0, 3, "f32", 1, 0), (1, 1, 5, "f32", 0.25, 3.5), (1, 0, 3, "s16", 2, -7),
              (0, 1, 7, "s16", 1, 0)]
sobel_tiny = [(1, 0, 3, "s16", 1, 0), (0, 1, 5, "s16", 1, 0), (1, 0, 1, "s16", 1, 0)]
for images, params in ((MAIN, sobel_main), (TINY, sobel_tiny)):
    for image in images:
        for i, (dx, dy, k, depth, scale, delta) in enumerate(params):
            for border in borders_for(i):
                keys = {"dx": dx, "dy": dy, "size": k, "depth": depth}
                if scale != 1:
                    keys["scale"] = scale
                if delta != 0:
                    keys["delta"] = delta
                add("sobel", keys, image, border,
                    lambda im, b, dx=dx, dy=dy, k=k, depth=depth, scale=scale, delta=delta:
                        cv2.Sobel(im, DEPTHS[depth], dx, dy, ksize=k, scale=scale, delta=delta, borderType=b),
                    k + 1)

# --- scharr: (dx, dy, depth, scale, delta) ---
scharr_main = [(1, 0, "s16", 1, 0), (0, 1, "s16", 1, 0), (1, 0, "u8", 1, 0), (0, 1, "f32", 1, 0),
               (1, 0, "s16", 3, 10)]
scharr_tiny = [(1, 0, "s16", 1, 0), (0, 1, "s16", 1, 0)]
for images, params in ((MAIN, scharr_main), (TINY, scharr_tiny)):
    for image in images:
        for i, (dx, dy, depth, scale, delta) in enumerate(params):
            for border in borders_for(i):
                keys = {"dx": dx, "dy": dy, "depth": depth}
                if scale != 1:
                    keys["scale"] = scale
                if delta != 0:
                    keys["delta"] = delta
                add("scharr", keys, image, border,
                    lambda im, b, dx=dx, dy=dy, depth=depth, scale=scale, delta=delta:
                        cv2.Scharr(im, DEPTHS[depth], dx, dy, scale=scale, delta=delta, borderType=b),
                    4)

# --- laplacian: (size, depth, scale, delta) ---
lap_main = [(1, "s16", 1, 0), (3, "s16", 1, 0), (5, "s16", 1, 0), (1, "u8", 1, 0), (3, "u8", 1, 20),
            (5, "f32", 1, 0), (3, "f32", 0.5, 1.25), (5, "s16", 2, 3)]
lap_tiny = [(1, "s16", 1, 0), (3, "s16", 1, 0), (5, "s16", 1, 0)]
for images, params in ((MAIN, lap_main), (TINY, lap_tiny)):
    for image in images:
        for i, (k, depth, scale, delta) in enumerate(params):
            for border in borders_for(i):
                keys = {"size": k, "depth": depth}
                if scale != 1:
                    keys["scale"] = scale
                if delta != 0:
                    keys["delta"] = delta
                add("laplacian", keys, image, border,
                    lambda im, b, k=k, depth=depth, scale=scale, delta=delta:
                        cv2.Laplacian(im, DEPTHS[depth], ksize=k, scale=scale, delta=delta, borderType=b),
                    k + 1)

# --- the 1-D kernels themselves ---
gaussian_kernels = []
for n in (1, 3, 5, 7, 9, 11, 13, 15, 21, 31):
    for sigma in (0, 0.3, 0.8, 1.0, 1.5, 2.2, 3.3, 5.0, 12.5):
        w = cv2.getGaussianKernel(n, sigma, ktype=cv2.CV_64F).ravel()
        gaussian_kernels.append({"size": n, "sigma": sigma, "weight_bits": [int(b) for b in w.astype(np.float64).view(np.int64)]})
sobel_kernels = []
for k in (1, 3, 5, 7):
    for order in range(0, 4):
        if order < max(k, 3) and not (k == 1 and order > 2):
            kx, ky = cv2.getDerivKernels(order, 1 if order == 0 else 0, k) if order > 0 else cv2.getDerivKernels(0, 1, k)
            sobel_kernels.append({"size": k, "order": order, "kernel": [int(v) for v in kx.ravel()]})
with open(os.path.join(OUT, "cases.json"), "w") as f:
    json.dump({"opencv": cv2.__version__, "cases": cases, "gaussian_kernels": gaussian_kernels,
               "sobel_kernels": sobel_kernels}, f, indent=1)
total = sum(os.path.getsize(os.path.join(OUT, f)) for f in os.listdir(OUT))
print(f"{len(cases)} cases, {total} bytes")
