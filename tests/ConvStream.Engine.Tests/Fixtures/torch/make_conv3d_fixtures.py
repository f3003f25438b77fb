#!/usr/bin/python3
"""Makes the PyTorch fixtures of conv3d (tests/ConvStream.Engine.Tests/Conv3dTests.cs).

Run with Debian's python3-torch 1.13: /usr/bin/python3 make_conv3d_fixtures.py
Writes conv3d/<case>_{x,w,b,y}.npy beside this script and conv3d/cases.json with each case's
options, named as ConvStream's Conv3dOptions (padding in `op conv3d --padding` syntax).

The expected output y is F.conv3d (in float64, saved as float32) of the input padded first:
 - by F.pad with PyTorch's own modes (constant, replicate, reflect, circular) when one mode
   covers all three axes, exactly what nn.Conv3d(padding_mode=...) does;
 - by numpy.pad(mode='symmetric') for symmetric (PyTorch has no such mode; it is OpenCV's
   BORDER_REFLECT) and when the time axis has its own rule (numpy's edge = replicate,
   constant = zeros), the spatial axes then padded by F.pad as above;
 - or by torch's own padding='same' (stride 1), to pin ConvStream's `same` split to PyTorch's.
Flip (true convolution) is F.conv3d with the kernel reversed on all three axes (torch.flip).
Fixed seed: the output is the same on every run; every file is a few KB at most.
"""
import json
import os
import shutil

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "conv3d")
torch.manual_seed(3003)
TORCH_MODE = {"zeros": "constant", "replicate": "replicate", "reflect": "reflect", "circular": "circular"}
NUMPY_MODE = {"zeros": "constant", "replicate": "edge", "reflect": "reflect", "symmetric": "symmetric", "circular": "wrap"}


def same_pad(n, k, s, d):
    """ConvStream's (and DESIGN's) same: out = ceil(n/s), total = max((out-1)s + d(k-1) + 1 - n, 0), before = total//2."""
    out = -(-n // s)
    total = max((out - 1) * s + d * (k - 1) + 1 - n, 0)
    return total // 2, total - total // 2


def resolve(padding, shape, kernel, stride, dilation):
    """(front, back, top, bottom, left, right) for a padding given as ConvStream parses it."""
    if padding == "valid":
        return (0,) * 6
    if padding == "full":
        return sum(((d * (k - 1),) * 2 for k, d in zip(kernel, dilation)), ())
    if padding == "same":
        return sum((same_pad(n, k, s, d) for n, k, s, d in zip(shape, kernel, stride, dilation)), ())
    v = [int(p) for p in padding.split(",")]
    if len(v) == 1:
        v = v * 3
    if len(v) == 3:
        return (v[0], v[0], v[1], v[1], v[2], v[2])
    return tuple(v)


def pad(x, p, border, time_border):
    """x (N,C,T,H,W) float64 padded by p = (front, back, top, bottom, left, right); returns (tensor, how)."""
    f, bk, t, b, l, r = p
    if time_border == border and border in TORCH_MODE:
        return F.pad(x, (l, r, t, b, f, bk), mode=TORCH_MODE[border]), f"F.pad(mode={TORCH_MODE[border]!r})"
    if border in TORCH_MODE:
        n, c, tt, h, w = x.shape
        xs = F.pad(x.reshape(n, c * tt, h, w), (l, r, t, b), mode=TORCH_MODE[border]).reshape(n, c, tt, h + t + b, w + l + r)
        how = f"F.pad(H,W, mode={TORCH_MODE[border]!r})"
    else:
        xs = torch.from_numpy(np.pad(x.numpy(), ((0, 0), (0, 0), (0, 0), (t, b), (l, r)), mode=NUMPY_MODE[border]))
        how = f"np.pad(H,W, mode={NUMPY_MODE[border]!r})"
    xt = torch.from_numpy(np.pad(xs.numpy(), ((0, 0), (0, 0), (f, bk), (0, 0), (0, 0)), mode=NUMPY_MODE[time_border]))
    return xt, how + f" + np.pad(T, mode={NUMPY_MODE[time_border]!r})"


def case(name, x_shape, w_shape, stride=(1, 1, 1), dilation=(1, 1, 1), padding="valid", border="zeros",
         time_border=None, groups=1, flip=False, relu=False, bias=True, torch_same=False):
    x = torch.randn(*x_shape, dtype=torch.float64)
    w = torch.randn(*w_shape, dtype=torch.float64)
    b = torch.randn(w_shape[0], dtype=torch.float64) if bias else None
    batched = x if x.dim() == 5 else x.unsqueeze(0)
    kernel = torch.flip(w, (2, 3, 4)) if flip else w
    if torch_same:
        assert stride == (1, 1, 1) and border == "zeros" and time_border is None
        y = F.conv3d(batched, kernel, b, padding="same", dilation=dilation, groups=groups)
        how = "F.conv3d(padding='same')"
        padding = "same"
    else:
        p = resolve(padding, batched.shape[2:], w_shape[2:], stride, dilation)
        xp, how = pad(batched, p, border, time_border or border)
        y = F.conv3d(xp, kernel, b, stride=stride, dilation=dilation, groups=groups)
        how += " + F.conv3d"
    if relu:
        y = F.relu(y)
    if x.dim() == 4:
        y = y.squeeze(0)
    arrays = dict(x=x, w=w, y=y)
    if bias:
        arrays["b"] = b
    for key, value in arrays.items():
        np.save(os.path.join(OUT, f"{name}_{key}.npy"), np.ascontiguousarray(value.numpy().astype(np.float32)))
    return dict(name=name, stride=list(stride), dilation=list(dilation), padding=padding, border=border,
                time_border=time_border, groups=groups, flip=flip, relu=relu, bias=bias, made_by=how)


def main():
    if os.path.isdir(OUT):
        shutil.rmtree(OUT)
    os.makedirs(OUT)
    cases = []
    # Every padding × every border (the time axis follows the border, as PyTorch's padding_mode).
    for padding in ["valid", "same", "full", "2,1,0,1,1,2"]:
        for border in ["zeros", "replicate", "reflect", "symmetric", "circular"]:
            if padding == "full" and border == "reflect":
                shape = (2, 5, 6, 7)        # reflect needs pad < size: full pads k-1 = 2 with a 3x3x3 kernel
            else:
                shape = (2, 4, 5, 6)
            tag = padding.replace(",", "_")
            cases.append(case(f"{tag}_{border}", shape, (3, 2, 3, 3, 3), padding=padding, border=border))
    # The time axis with its own rule (a video stage's zeros or replicate) under each spatial border.
    for border in ["zeros", "replicate", "reflect", "symmetric", "circular"]:
        for time_border in ["zeros", "replicate"]:
            if time_border != border:
                cases.append(case(f"time_{time_border}_space_{border}", (2, 5, 6, 5), (2, 2, 3, 3, 2),
                                  padding="same", border=border, time_border=time_border))
    cases.append(case("time_reflect_space_zeros", (1, 5, 5, 5), (2, 1, 3, 3, 3), padding="1", border="zeros", time_border="reflect"))
    # PyTorch's own padding='same', odd and even kernels, with dilation.
    cases.append(case("torch_same_odd", (3, 4, 6, 5), (2, 3, 3, 3, 3), torch_same=True))
    cases.append(case("torch_same_even_dilated", (2, 6, 7, 8), (3, 2, 2, 4, 3), dilation=(2, 1, 2), torch_same=True))
    # Stride, dilation, both, per axis.
    cases.append(case("stride_2_1_2", (2, 7, 8, 9), (3, 2, 3, 3, 3), stride=(2, 1, 2), padding="1"))
    cases.append(case("stride_3", (1, 8, 9, 10), (2, 1, 2, 3, 3), stride=(3, 3, 3)))
    cases.append(case("dilation_2_1_3", (2, 7, 6, 11), (2, 2, 2, 3, 3), dilation=(2, 1, 3), padding="same", border="replicate"))
    cases.append(case("stride_dilation_reflect", (2, 8, 9, 9), (3, 2, 3, 2, 3), stride=(2, 2, 1), dilation=(2, 1, 2),
                      padding="2,1,1,1,2,2", border="reflect"))
    cases.append(case("same_stride2_even", (2, 6, 7, 8), (2, 2, 2, 4, 4), stride=(2, 2, 2), padding="same", border="circular"))
    # Groups and depthwise.
    cases.append(case("groups2", (4, 4, 5, 6), (6, 2, 3, 3, 3), padding="1", groups=2))
    cases.append(case("depthwise_replicate", (3, 5, 6, 7), (3, 1, 3, 3, 3), padding="same", border="replicate", groups=3))
    cases.append(case("depthwise_multiplier2", (2, 4, 5, 5), (4, 1, 2, 3, 3), padding="full", groups=2, bias=False))
    # True convolution, ReLU, no bias, batch.
    cases.append(case("flip", (2, 4, 5, 6), (3, 2, 2, 3, 2), padding="1,1,0,1,2,0", flip=True))
    cases.append(case("flip_groups_reflect", (4, 5, 6, 6), (4, 2, 3, 2, 3), padding="same", border="reflect", groups=2, flip=True))
    cases.append(case("relu_nobias", (3, 4, 5, 5), (5, 3, 3, 3, 3), padding="1", relu=True, bias=False))
    cases.append(case("batch3", (3, 2, 4, 5, 6), (4, 2, 3, 3, 3), padding="same", border="reflect", time_border="replicate"))
    cases.append(case("batch2_stride_groups", (2, 4, 6, 7, 7), (4, 2, 3, 3, 3), stride=(1, 2, 2), padding="1", groups=2))
    cases.append(case("pointwise", (2, 3, 4, 5, 6), (8, 3, 1, 1, 1)))
    cases.append(case("kernel_as_large_as_input", (2, 3, 4, 5), (2, 2, 3, 4, 5)))
    cases.append(case("wide_rows", (2, 3, 4, 37), (9, 2, 3, 3, 3), padding="1", border="reflect"))
    with open(os.path.join(OUT, "cases.json"), "w") as f:
        json.dump(cases, f, indent=1)
    total = sum(os.path.getsize(os.path.join(OUT, n)) for n in os.listdir(OUT))
    print(f"{len(cases)} cases, {total} bytes in {OUT}")


if __name__ == "__main__":
    main()
