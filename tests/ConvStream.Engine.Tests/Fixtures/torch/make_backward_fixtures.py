#!/usr/bin/python3
"""Makes the PyTorch fixtures of the backward pass, pooling and conv_transpose2d.

Run with Debian's python3-torch 1.13: /usr/bin/python3 make_backward_fixtures.py
Writes, beside this script:
  backward/<case>_{x,w,b,gy,gx,gw,gb}.npy  conv2d (+ border pad, flip, relu) and autograd's gradients
  pool/<case>_{x,y}.npy                    F.max_pool2d / F.avg_pool2d
  transpose/<case>_{x,w,b,y}.npy           F.conv_transpose2d
and a cases.json per folder with each case's options (names as ConvStream's options).
Small on purpose: every file is a few hundred bytes to a few KB.
"""
import json
import os

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
torch.manual_seed(1234)


def save(folder, name, **arrays):
    os.makedirs(os.path.join(HERE, folder), exist_ok=True)
    for key, value in arrays.items():
        np.save(os.path.join(HERE, folder, "%s_%s.npy" % (name, key)), np.ascontiguousarray(value.detach().numpy().astype(np.float32)))


def write_cases(folder, cases):
    with open(os.path.join(HERE, folder, "cases.json"), "w") as f:
        json.dump(cases, f, indent=1)


# ---- conv2d backward -------------------------------------------------------------------------
TORCH_PAD = {"replicate": "replicate", "reflect": "reflect", "circular": "circular"}


def backward_case(name, x_shape, w_shape, stride=1, dilation=1, padding=(0, 0, 0, 0), border="zeros",
                  groups=1, flip=False, relu=False, bias=True):
    x = torch.randn(*x_shape, dtype=torch.float64, requires_grad=True)
    w = torch.randn(*w_shape, dtype=torch.float64, requires_grad=True)
    b = torch.randn(w_shape[0], dtype=torch.float64, requires_grad=True) if bias else None
    top, bottom, left, right = padding
    if border == "zeros":
        xp = F.pad(x, (left, right, top, bottom))
    else:
        xp = F.pad(x, (left, right, top, bottom), mode=TORCH_PAD[border])
    kernel = torch.flip(w, (2, 3)) if flip else w
    y = F.conv2d(xp, kernel, b, stride=stride, dilation=dilation, groups=groups)
    if relu:
        y = F.relu(y)
    gy = torch.randn(*y.shape, dtype=torch.float64)
    (y * gy).sum().backward()
    arrays = dict(x=x, w=w, gy=gy, gx=x.grad, gw=w.grad)
    if bias:
        arrays.update(b=b, gb=b.grad)
    else:
        arrays.update(gb=gy.sum(dim=(0, 2, 3)))
    save("backward", name, **arrays)
    return dict(name=name, stride=stride, dilation=dilation, padding=list(padding), border=border, groups=groups,
                flip=flip, relu=relu, bias=bias)


backward = [
    backward_case("basic", (1, 3, 6, 7), (4, 3, 3, 3), padding=(1, 1, 1, 1)),
    backward_case("stride2_dil2_groups2", (2, 4, 9, 8), (6, 2, 3, 2), stride=2, dilation=2, padding=(1, 1, 2, 2), groups=2),
    backward_case("reflect", (1, 2, 7, 6), (3, 2, 3, 3), padding=(2, 2, 2, 2), border="reflect"),
    backward_case("replicate_depthwise", (1, 3, 5, 9), (3, 1, 3, 5), padding=(1, 1, 3, 3), border="replicate", groups=3),
    backward_case("circular_asym", (1, 2, 6, 6), (2, 2, 4, 4), padding=(1, 2, 2, 1), border="circular"),
    backward_case("flip", (1, 1, 5, 5), (2, 1, 2, 3), padding=(0, 0, 1, 1), flip=True),
    backward_case("relu_bias", (2, 2, 6, 5), (3, 2, 3, 3), padding=(1, 1, 1, 1), relu=True),
    backward_case("stride3_nobias", (1, 2, 11, 10), (2, 2, 2, 3), stride=3, bias=False),
]
write_cases("backward", backward)


# ---- pooling ---------------------------------------------------------------------------------
def pool_case(name, op, shape, kernel, stride=None, padding=0, dilation=1, ceil_mode=False, count_include_pad=True, nan=False):
    x = torch.randn(*shape)
    if nan:
        x.view(-1)[3] = float("nan")
    if op == "max":
        y = F.max_pool2d(x, kernel, stride, padding, dilation, ceil_mode=ceil_mode)
    else:
        y = F.avg_pool2d(x, kernel, stride, padding, ceil_mode=ceil_mode, count_include_pad=count_include_pad)
    save("pool", name, x=x, y=y)
    pair = lambda v: list(v) if isinstance(v, tuple) else [v, v]
    return dict(name=name, op=op, kernel=pair(kernel), stride=pair(stride if stride is not None else kernel),
                padding=pair(padding), dilation=pair(dilation), ceil_mode=ceil_mode, count_include_pad=count_include_pad)


pool = [
    pool_case("max_2x2", "max", (2, 3, 6, 8), 2),
    pool_case("max_2x2_ceil_odd", "max", (1, 2, 7, 9), 2, ceil_mode=True),
    pool_case("max_3x3_s2_p1_ceil", "max", (1, 2, 10, 11), 3, 2, 1, ceil_mode=True),
    pool_case("max_dilated", "max", (1, 2, 12, 13), (3, 2), (2, 1), (1, 1), (2, 3)),
    pool_case("max_nan", "max", (1, 1, 4, 6), 2, nan=True),
    pool_case("avg_2x2", "avg", (2, 3, 6, 8), 2),
    pool_case("avg_3x3_s2_p1_ceil_incl", "avg", (1, 2, 10, 11), 3, 2, 1, ceil_mode=True),
    pool_case("avg_3x3_s2_p1_ceil_excl", "avg", (1, 2, 10, 11), 3, 2, 1, ceil_mode=True, count_include_pad=False),
    pool_case("avg_4x3_s3_p1_excl", "avg", (1, 2, 13, 9), (4, 3), (3, 2), (2, 1), ceil_mode=True, count_include_pad=False),
    pool_case("avg_2x2_ceil_odd", "avg", (1, 2, 7, 9), 2, ceil_mode=True),
]
write_cases("pool", pool)


# ---- conv_transpose2d ------------------------------------------------------------------------
def transpose_case(name, x_shape, w_shape, stride=1, padding=0, output_padding=0, dilation=1, groups=1, bias=True):
    x = torch.randn(*x_shape)
    w = torch.randn(*w_shape)
    b = torch.randn(w_shape[1] * groups) if bias else None
    y = F.conv_transpose2d(x, w, b, stride, padding, output_padding, groups, dilation)
    arrays = dict(x=x, w=w, y=y)
    if bias:
        arrays["b"] = b
    save("transpose", name, **arrays)
    pair = lambda v: list(v) if isinstance(v, tuple) else [v, v]
    return dict(name=name, stride=pair(stride), padding=pair(padding), output_padding=pair(output_padding),
                dilation=pair(dilation), groups=groups, bias=bias)


transpose = [
    transpose_case("upsample_k2_s2", (1, 4, 5, 7), (4, 3, 2, 2), 2),
    transpose_case("k3_s2_p1_op1", (1, 3, 4, 5), (3, 2, 3, 3), 2, 1, 1),
    transpose_case("dilated_groups", (2, 4, 5, 4), (4, 3, 3, 2), (1, 2), (1, 0), 0, (2, 3), 2),
    transpose_case("k4_s3_p2_op_nobias", (1, 2, 4, 6), (2, 2, 4, 4), 3, 2, (2, 1), bias=False),
    transpose_case("stride1", (1, 2, 6, 5), (2, 3, 3, 3), 1, 1),
]
write_cases("transpose", transpose)
