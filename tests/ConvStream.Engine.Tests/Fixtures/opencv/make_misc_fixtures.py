#!/usr/bin/python3
"""Fixtures for the gray, magnitude, sobel-magnitude, conv, maxpool and avgpool stages.

Run with Debian's Python (numpy, OpenCV 4.6, torch 1.13) from anywhere:
    /usr/bin/python3 tests/ConvStream.Engine.Tests/Fixtures/opencv/make_misc_fixtures.py
It writes misc/*.npy (inputs and OpenCV's/PyTorch's outputs), misc/*.json (extra kernel files)
and misc/cases.json, which the C# tests (Filters/Misc/MiscFixtureTests.cs) replay: each case is
a stage string as `convstream filter --stage` takes it, input files, the expected output and a
tolerance. Kernel paths in stage strings are relative to the repository root.
"""
import json, os
import numpy as np
import cv2
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "misc")
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", "..", ".."))
REL = os.path.relpath(OUT, ROOT)
os.makedirs(OUT, exist_ok=True)
rng = np.random.default_rng(20261122)
cases = []

BORDERS = {  # ConvStream name -> OpenCV flag (circular is done by padding, OpenCV's filters refuse WRAP)
    "reflect": cv2.BORDER_REFLECT_101, "replicate": cv2.BORDER_REPLICATE,
    "symmetric": cv2.BORDER_REFLECT, "zeros": cv2.BORDER_CONSTANT, "circular": None,
}


def save(name, arr):
    np.save(os.path.join(OUT, name + ".npy"), np.ascontiguousarray(arr))
    return name + ".npy"


def image(w, h, c, kind="mixed"):
    """Random texture plus a ramp plus saturated spots, so filters hit 0 and 255."""
    shape = (h, w, c) if c > 1 else (h, w)
    noise = rng.integers(0, 256, shape).astype(np.float64)
    yy, xx = np.mgrid[0:h, 0:w]
    ramp = (xx * 255.0 / max(w - 1, 1) + yy * 97.0 / max(h - 1, 1)) % 256
    if c > 1:
        ramp = ramp[..., None]
    img = 0.6 * noise + 0.4 * ramp
    img = img.astype(np.uint8)
    if w * h > 8:
        img.reshape(-1, *img.shape[2:])[rng.integers(0, w * h, max(2, w * h // 20))] = 255
        img.reshape(-1, *img.shape[2:])[rng.integers(0, w * h, max(2, w * h // 20))] = 0
    return img


def case(name, stage, inputs, expected, tol=0.0, kind="abs"):
    cases.append({"name": name, "stage": stage, "inputs": inputs, "expected": save(name, expected), "tol": tol, "kind": kind})


imgs = {}
for (w, h) in [(37, 23), (1, 1), (2, 3), (4, 3), (70, 9)]:
    imgs[f"bgr_{w}x{h}"] = image(w, h, 3)
    imgs[f"gray_{w}x{h}"] = image(w, h, 1)
imgs["bgr_64x48"] = image(64, 48, 3)
files = {k: save("in_" + k, v) for k, v in imgs.items()}

# ---- gray: cvtColor BGR2GRAY (bit-exact); a gray frame passes through ----
for k in ["bgr_37x23", "bgr_1x1", "bgr_2x3", "bgr_70x9", "bgr_64x48"]:
    case(f"gray_{k}", "gray", [files[k]], cv2.cvtColor(imgs[k], cv2.COLOR_BGR2GRAY))
case("gray_passthrough", "gray", [files["gray_37x23"]], imgs["gray_37x23"])

# ---- sobel-magnitude: cvtColor -> Sobel(CV_16S) dx, dy -> magnitude on float -> convertScaleAbs ----
def sobel_chain(img, border, norm, scale):
    g = cv2.cvtColor(img, cv2.COLOR_BGR2GRAY) if img.ndim == 3 else img
    dx = cv2.Sobel(g, cv2.CV_16S, 1, 0, ksize=3, borderType=border).astype(np.float32)
    dy = cv2.Sobel(g, cv2.CV_16S, 0, 1, ksize=3, borderType=border).astype(np.float32)
    m = cv2.magnitude(dx, dy) if norm == "l2" else np.abs(dx) + np.abs(dy)
    return cv2.convertScaleAbs(m, alpha=scale)

for k in ["bgr_37x23", "gray_37x23", "bgr_2x3", "bgr_1x1", "gray_4x3", "bgr_70x9"]:
    for b, flag in BORDERS.items():
        if flag is None:
            continue
        for norm in ["l2", "l1"]:
            case(f"sobelmag_{k}_{b}_{norm}", f"sobel-magnitude:norm={norm},border={b}", [files[k]], sobel_chain(imgs[k], flag, norm, 1.0))
case("sobelmag_scale_l2", "sobel-magnitude:scale=0.3", [files["bgr_37x23"]], sobel_chain(imgs["bgr_37x23"], cv2.BORDER_REFLECT_101, "l2", 0.3))
case("sobelmag_scale_l1", "sobel-magnitude:norm=l1,scale=0.25,border=replicate", [files["bgr_64x48"]], sobel_chain(imgs["bgr_64x48"], cv2.BORDER_REPLICATE, "l1", 0.25))

# ---- magnitude of a dx/dy pair ----
for k in ["gray_37x23", "bgr_37x23"]:
    src = imgs[k]
    dx = cv2.Sobel(src, cv2.CV_16S, 1, 0, ksize=3)
    dy = cv2.Sobel(src, cv2.CV_16S, 0, 1, ksize=3)
    fx, fy = save(f"mag_dx16_{k}", dx), save(f"mag_dy16_{k}", dy)
    m = cv2.magnitude(dx.astype(np.float32), dy.astype(np.float32))
    case(f"mag_s16_l2_u8_{k}", "magnitude", [fx, fy], cv2.convertScaleAbs(m))
    case(f"mag_s16_l2_f32_{k}", "magnitude:depth=f32", [fx, fy], m, 1e-6, "rel")
    l1 = np.abs(dx.astype(np.float32)) + np.abs(dy.astype(np.float32))
    case(f"mag_s16_l1_u8_{k}", "magnitude:norm=l1", [fx, fy], cv2.convertScaleAbs(l1))
    gx = cv2.Sobel(src, cv2.CV_32F, 1, 0, ksize=3, scale=0.37)
    gy = cv2.Sobel(src, cv2.CV_32F, 0, 1, ksize=3, scale=0.37)
    ffx, ffy = save(f"mag_dx32_{k}", gx), save(f"mag_dy32_{k}", gy)
    case(f"mag_f32_l2_f32_{k}", "magnitude:norm=l2,depth=f32", [ffx, ffy], cv2.magnitude(gx, gy), 1e-6, "rel")
    case(f"mag_f32_l2_u8_{k}", "magnitude", [ffx, ffy], cv2.convertScaleAbs(cv2.magnitude(gx, gy)), 1.0)

# ---- conv = filter2D ----
KDIR = os.path.join(ROOT, "filters", "kernels")

def load_kernel(path):
    with open(path) as f:
        j = json.load(f)
    w = np.array(j["weights"], np.float64) * j.get("scale", 1.0)
    return j, w

def filter2d(img, k, ddepth, anchor, delta, border):
    """cv2.filter2D; circular by wrapping the image first (OpenCV's filter engine refuses BORDER_WRAP)."""
    flag = BORDERS[border]
    if flag is not None:
        return cv2.filter2D(img, ddepth, k, anchor=anchor, delta=delta, borderType=flag)
    kh, kw = k.shape
    ax, ay = anchor if anchor != (-1, -1) else (kw // 2, kh // 2)
    pad = ((ay, kh - 1 - ay), (ax, kw - 1 - ax)) + (((0, 0),) if img.ndim == 3 else ())
    p = np.pad(img, pad, mode="wrap")
    out = cv2.filter2D(p, ddepth, k, anchor=(ax, ay), delta=delta, borderType=cv2.BORDER_CONSTANT)
    return out[ay:ay + img.shape[0], ax:ax + img.shape[1]]

def kpath(name):
    return f"filters/kernels/{name}.json"

single = ["sharpen", "emboss", "outline", "ridge", "motion-blur", "unsharp-mask"]
for name in single:
    j, w = load_kernel(os.path.join(KDIR, name + ".json"))
    k32 = w.astype(np.float32)
    for im in ["bgr_37x23", "gray_37x23"]:
        for b in BORDERS:
            case(f"conv_{name}_{im}_{b}", f"conv:kernel={kpath(name)},border={b}", [files[im]], filter2d(imgs[im], k32, -1, (-1, -1), 0.0, b), 1.0)
    for im in ["bgr_1x1", "bgr_2x3", "gray_4x3", "bgr_70x9"]:
        for b in ["reflect", "symmetric", "zeros"]:
            case(f"conv_{name}_{im}_{b}", f"conv:kernel={kpath(name)},border={b}", [files[im]], filter2d(imgs[im], k32, -1, (-1, -1), 0.0, b), 1.0)

# an even, asymmetric random kernel: default anchor (2, 2) puts the extra pixel before
ek = rng.normal(0, 0.25, (4, 4)).round(4)
with open(os.path.join(OUT, "even4.json"), "w") as f:
    json.dump({"name": "even4", "weights": ek.tolist()}, f)
ekp = f"{REL}/even4.json"
k32 = ek.astype(np.float32)
for b in BORDERS:
    case(f"conv_even4_{b}", f"conv:kernel={ekp},border={b}", [files["bgr_37x23"]], filter2d(imgs["bgr_37x23"], k32, -1, (-1, -1), 0.0, b), 1.0)
case("conv_even4_anchor00", f"conv:kernel={ekp},anchor=0;0", [files["bgr_37x23"]], filter2d(imgs["bgr_37x23"], k32, -1, (0, 0), 0.0, "reflect"), 1.0)
case("conv_even4_anchor31_zeros", f"conv:kernel={ekp},anchor=3;1,border=zeros", [files["gray_37x23"]], filter2d(imgs["gray_37x23"], k32, -1, (3, 1), 0.0, "zeros"), 1.0)
# convolve: flip the kernel and move the anchor to (KW-1-ax, KH-1-ay), as OpenCV's docs say
fk = cv2.flip(k32, -1)
case("conv_even4_convolve", f"conv:kernel={ekp},mode=convolve", [files["bgr_37x23"]], filter2d(imgs["bgr_37x23"], fk, -1, (4 - 1 - 2, 4 - 1 - 2), 0.0, "reflect"), 1.0)
case("conv_even4_convolve_anchor", f"conv:kernel={ekp},mode=convolve,anchor=0;3,border=replicate", [files["bgr_37x23"]], filter2d(imgs["bgr_37x23"], fk, -1, (3, 0), 0.0, "replicate"), 1.0)
j, w = load_kernel(os.path.join(KDIR, "emboss.json"))
case("conv_emboss_convolve", f"conv:kernel={kpath('emboss')},mode=convolve", [files["bgr_37x23"]], filter2d(imgs["bgr_37x23"], cv2.flip(w.astype(np.float32), -1), -1, (1, 1), 0.0, "reflect"), 1.0)
# depths, delta, scale
j, w = load_kernel(os.path.join(KDIR, "outline.json"))
kk = (w * 0.5).astype(np.float32)
case("conv_outline_s16_delta", f"conv:kernel={kpath('outline')},depth=s16,delta=-3.5,scale=0.5", [files["bgr_37x23"]], filter2d(imgs["bgr_37x23"], kk, cv2.CV_16S, (-1, -1), -3.5, "reflect"), 1.0)
case("conv_outline_f32_delta", f"conv:kernel={kpath('outline')},depth=f32,delta=7.25,scale=0.5,border=symmetric", [files["gray_37x23"]], filter2d(imgs["gray_37x23"], kk, cv2.CV_32F, (-1, -1), 7.25, "symmetric"), 1e-4, "rel")
j, w = load_kernel(os.path.join(KDIR, "unsharp-mask.json"))
case("conv_unsharp_f32", f"conv:kernel={kpath('unsharp-mask')},depth=f32", [files["bgr_37x23"]], filter2d(imgs["bgr_37x23"], w.astype(np.float32), cv2.CV_32F, (-1, -1), 0.0, "reflect"), 1e-4, "rel")
f32img = (imgs["bgr_37x23"].astype(np.float32) / 255.0 - 0.5) * 3.0
files["f32_bgr_37x23"] = save("in_f32_bgr_37x23", f32img)
case("conv_unsharp_f32_in", f"conv:kernel={kpath('unsharp-mask')},border=zeros", [files["f32_bgr_37x23"]], filter2d(f32img, w.astype(np.float32), -1, (-1, -1), 0.0, "zeros"), 1e-4, "rel")

# multi-channel kernels (Cin -> Cout feature maps): each output is bias + sum over input channels of filter2D
def multi(img, wts, bias, border, ddepth):
    cout = wts.shape[0]
    outs = []
    for co in range(cout):
        acc = np.full(img.shape[:2], bias[co], np.float64)
        for ci in range(wts.shape[1]):
            acc += filter2d(img[..., ci].astype(np.float32), wts[co, ci].astype(np.float32), cv2.CV_32F, (-1, -1), 0.0, border)
        outs.append(acc)
    out = np.stack(outs, axis=-1).astype(np.float32)
    if ddepth == "u8":
        out = np.clip(np.rint(out), 0, 255).astype(np.uint8)
    return out if cout > 1 else out[..., 0] if ddepth == "u8" else out

j, w = load_kernel(os.path.join(KDIR, "colour-edge.json"))
for b in ["reflect", "zeros", "circular"]:
    case(f"conv_colour_edge_{b}", f"conv:kernel={kpath('colour-edge')},border={b}", [files["bgr_37x23"]], multi(imgs["bgr_37x23"], w, j["bias"], b, "f32"), 1e-4, "rel")
mk = rng.normal(0, 0.3, (2, 3, 5, 5)).round(4)
mb = [1.5, -20.0]
with open(os.path.join(OUT, "multi3to2.json"), "w") as f:
    json.dump({"name": "multi3to2", "weights": mk.tolist(), "bias": mb}, f)
mkp = f"{REL}/multi3to2.json"
case("conv_multi3to2_f32", f"conv:kernel={mkp},border=replicate", [files["bgr_37x23"]], multi(imgs["bgr_37x23"], mk, mb, "replicate", "f32"), 1e-4, "rel")
case("conv_multi3to2_u8", f"conv:kernel={mkp},depth=u8", [files["bgr_37x23"]], multi(imgs["bgr_37x23"], mk, mb, "reflect", "u8"), 1.0)
case("conv_multi3to2_small", f"conv:kernel={mkp},border=symmetric", [files["bgr_2x3"]], multi(imgs["bgr_2x3"], mk, mb, "symmetric", "f32"), 1e-4, "rel")

# ---- pools: 2x2 average = resize(INTER_AREA) on the cropped even part; others from torch ----
def torch_max(img, k, s):
    t = torch.from_numpy(img.astype(np.float32))
    t = t[None, None] if img.ndim == 2 else t.permute(2, 0, 1)[None]
    o = F.max_pool2d(t, k, s)[0]
    o = o[0] if img.ndim == 2 else o.permute(1, 2, 0)
    return o.numpy().astype(np.uint8)

def avg_rounded(img, k, s):
    """Window sums from torch (exact in float64), rounded half up as (sum + n/2) / n."""
    t = torch.from_numpy(img.astype(np.float64))
    t = t[None, None] if img.ndim == 2 else t.permute(2, 0, 1)[None]
    sums = (F.avg_pool2d(t, k, s) * (k * k)).round().long()[0]
    sums = sums[0] if img.ndim == 2 else sums.permute(1, 2, 0)
    return ((sums + (k * k) // 2) // (k * k)).numpy().astype(np.uint8)

for im in ["bgr_37x23", "gray_37x23", "bgr_64x48", "bgr_2x3", "bgr_70x9", "gray_70x9"]:
    src = imgs[im]
    h, w = src.shape[:2]
    case(f"maxpool2_{im}", "maxpool", [files[im]], torch_max(src, 2, 2))
    crop = src[: h // 2 * 2, : w // 2 * 2]
    case(f"avgpool2_{im}", "avgpool:size=2", [files[im]], cv2.resize(crop, (w // 2, h // 2), interpolation=cv2.INTER_AREA))
for (k, s) in [(3, 2), (3, 1), (2, 1), (4, 3)]:
    for im in ["bgr_37x23", "gray_37x23"]:
        case(f"maxpool{k}s{s}_{im}", f"maxpool:size={k},stride={s}", [files[im]], torch_max(imgs[im], k, s))
        case(f"avgpool{k}s{s}_{im}", f"avgpool:size={k},stride={s}", [files[im]], avg_rounded(imgs[im], k, s))

with open(os.path.join(OUT, "cases.json"), "w") as f:
    json.dump(cases, f, indent=1)
total = sum(os.path.getsize(os.path.join(OUT, p)) for p in os.listdir(OUT))
print(f"{len(cases)} cases, {total} bytes in {OUT}")
