#!/usr/bin/python3
"""Makes the fixtures that `convstream op` is tested against (tests/ConvStream.Cli.Tests/OpFixtureTests.cs).

Run with Debian's Python (numpy 1.24, torch 1.13, scipy 1.10):

    /usr/bin/python3 tests/ConvStream.Cli.Tests/Fixtures/make_fixtures.py

Every case is a folder under ops/ holding its input tensors, the expected outputs and case.json:
    {"op": "conv2d", "args": [...options...], "inputs": {"--input": "input.npy", ...},
     "outputs": {"--output": "expected.npy"}, "made_by": "<the call that produced the expected output>"}
The expected outputs come from PyTorch (torch.nn.functional) or SciPy (scipy.signal.convolve2d),
never from ConvStream. Border modes PyTorch's F.pad has (reflect, replicate, circular) use it;
numpy's symmetric (OpenCV BORDER_REFLECT) uses numpy.pad(mode='symmetric').

bad/ holds unsupported or broken .npy files written by numpy itself (Fortran order, big endian,
complex, object, truncated) for the error tests.

Output is deterministic (fixed seeds); the whole folder stays well under 1 MB.
"""
import io
import json
import os
import shutil

import numpy as np
import scipy.signal
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
OPS = os.path.join(HERE, "ops")
BAD = os.path.join(HERE, "bad")
rng = np.random.default_rng(20261122)
torch.set_default_dtype(torch.float64)  # expected values in double, saved as float32


def rand(*shape):
    return rng.standard_normal(shape).astype(np.float32)


def t(a):
    return torch.from_numpy(np.asarray(a, dtype=np.float64))


def f32(a):
    if isinstance(a, torch.Tensor):
        a = a.detach().numpy()
    return np.ascontiguousarray(a, dtype=np.float32)


def save_case(name, op, args, inputs, outputs, made_by):
    folder = os.path.join(OPS, name)
    os.makedirs(folder)
    case = {"op": op, "args": [str(a) for a in args], "inputs": {}, "outputs": {}, "made_by": made_by}
    for option, (file, array) in inputs.items():
        np.save(os.path.join(folder, file), array)
        case["inputs"][option] = file
    for option, (file, array) in outputs.items():
        np.save(os.path.join(folder, file), f32(array))
        case["outputs"][option] = file
    with open(os.path.join(folder, "case.json"), "w") as f:
        json.dump(case, f, indent=1)
        f.write("\n")


# ---- padding arithmetic, written here from DESIGN §3 (not taken from ConvStream) ----

def same_pad(n, k, s, d):
    out = -(-n // s)
    total = max((out - 1) * s + d * (k - 1) + 1 - n, 0)
    return total // 2, total - total // 2


def pad4(x, top, bottom, left, right, border):
    """Pads the last two axes of a (N,C,H,W) double tensor; border names are numpy.pad's."""
    if border == "zeros":
        return F.pad(x, (left, right, top, bottom))
    if border in ("reflect", "replicate", "circular"):
        return F.pad(x, (left, right, top, bottom), mode=border)
    if border == "symmetric":
        return t(np.pad(x.numpy(), ((0, 0), (0, 0), (top, bottom), (left, right)), mode="symmetric"))
    raise ValueError(border)


def conv_case(name, x, w, b=None, stride=(1, 1), dilation=(1, 1), pad=(0, 0, 0, 0), padding_arg=None,
              groups=1, border="zeros", flip=False, relu=False, torch_same=False):
    """conv2d expected via F.pad (explicit T,B,L,R) + F.conv2d, or torch's own padding='same'."""
    xt = t(x)
    batched = xt.dim() == 4
    if not batched:
        xt = xt.unsqueeze(0)
    wt = t(w)
    if flip:
        wt = wt.flip(2, 3)
    bt = None if b is None else t(b)
    if torch_same:
        y = F.conv2d(xt, wt, bt, stride=1, padding="same", dilation=dilation, groups=groups)
        call = f"F.conv2d(x, w, b, padding='same', dilation={dilation}, groups={groups})"
    else:
        y = F.conv2d(pad4(xt, *pad, border), wt, bt, stride=stride, dilation=dilation, groups=groups)
        padder = "numpy.pad(mode='symmetric')" if border == "symmetric" else f"F.pad(mode='{border}')"
        call = f"F.conv2d({padder} by T,B,L,R={pad}, w, b, stride={stride}, dilation={dilation}, groups={groups})"
    if flip:
        call = call.replace(", w,", ", w.flip(2,3),")
    if relu:
        y = F.relu(y)
        call = f"F.relu({call})"
    if not batched:
        y = y.squeeze(0)
    args = []
    if stride != (1, 1):
        args += ["--stride", f"{stride[0]},{stride[1]}"]
    if dilation != (1, 1):
        args += ["--dilation", f"{dilation[0]},{dilation[1]}"]
    if padding_arg is not None:
        args += ["--padding", padding_arg]
    if groups != 1:
        args += ["--groups", groups]
    if border != "zeros":
        args += ["--border", border]
    if flip:
        args += ["--flip"]
    if relu:
        args += ["--relu"]
    inputs = {"--input": ("input.npy", x), "--weight": ("weight.npy", w)}
    if b is not None:
        inputs["--bias"] = ("bias.npy", b)
    save_case(name, "conv2d", args, inputs, {"--output": ("expected.npy", y)}, "torch " + call)


def scipy_case(name, x, w, mode, padding_arg, b=None, note=""):
    """True convolution: out[o] = b[o] + Σ_c scipy.signal.convolve2d(x[c], w[o, c], mode)."""
    cout = w.shape[0]
    outs = []
    for o in range(cout):
        acc = sum(scipy.signal.convolve2d(x[c].astype(np.float64), w[o, c].astype(np.float64), mode=mode)
                  for c in range(x.shape[0]))
        outs.append(acc + (0 if b is None else float(b[o])))
    y = np.stack(outs)
    inputs = {"--input": ("input.npy", x), "--weight": ("weight.npy", w)}
    if b is not None:
        inputs["--bias"] = ("bias.npy", b)
    args = ["--flip"] + ([] if padding_arg is None else ["--padding", padding_arg])
    made_by = f"sum over c of scipy.signal.convolve2d(x[c], w[o,c], mode='{mode}')" + (" + b[o]" if b is not None else "") + note
    save_case(name, "conv2d", args, inputs, {"--output": ("expected.npy", y)}, made_by)


def make_conv2d():
    # Plain cross-correlation, (C,H,W) in → (C,H,W) out, with bias.
    conv_case("conv2d_chw_bias", rand(3, 6, 7), rand(4, 3, 3, 3), rand(4))
    # Batch, stride 2, padding 1 (zeros).
    conv_case("conv2d_batch_stride2_pad1", rand(2, 3, 7, 8), rand(5, 3, 3, 3), rand(5),
              stride=(2, 2), pad=(1, 1, 1, 1), padding_arg="1")
    # Different stride, dilation and padding per axis.
    conv_case("conv2d_axes_stride_dilation", rand(1, 2, 9, 10), rand(3, 2, 3, 2),
              stride=(2, 1), dilation=(1, 2), pad=(1, 1, 2, 2), padding_arg="1,2")
    # 'same' at stride 1: PyTorch's own padding='same' (odd and even kernels, dilation).
    conv_case("conv2d_same_torch", rand(1, 3, 6, 7), rand(4, 3, 3, 4), rand(4),
              padding_arg="same", torch_same=True)
    conv_case("conv2d_same_dilated_torch", rand(1, 2, 8, 8), rand(2, 2, 2, 3),
              dilation=(2, 2), padding_arg="same", torch_same=True)
    # 'same' at stride 2 with an even kernel (PyTorch refuses 'same' with stride): DESIGN's
    # total/2 before, the rest after, applied with F.pad.
    x = rand(1, 2, 7, 9)
    w = rand(3, 2, 4, 4)
    ph, pw = same_pad(7, 4, 2, 1), same_pad(9, 4, 2, 1)
    conv_case("conv2d_same_stride2_even", x, w, stride=(2, 2), pad=(*ph, *pw), padding_arg="same")
    # 'full': dilation·(k−1) on every side.
    conv_case("conv2d_full", rand(1, 2, 5, 6), rand(3, 2, 3, 2), pad=(2, 2, 1, 1), padding_arg="full")
    # Asymmetric explicit padding T,B,L,R.
    conv_case("conv2d_asymmetric_padding", rand(1, 3, 6, 6), rand(2, 3, 3, 3), pad=(2, 0, 1, 3), padding_arg="2,0,1,3")
    # Groups (2 groups of 2 input → 3 output channels).
    conv_case("conv2d_groups2", rand(2, 4, 6, 6), rand(6, 2, 3, 3), rand(6), pad=(1, 1, 1, 1), padding_arg="1", groups=2)
    # Depthwise 5×5, reflect border, 'same', (C,H,W).
    conv_case("conv2d_depthwise_reflect", rand(3, 8, 9), rand(3, 1, 5, 5), groups=3, border="reflect",
              pad=(2, 2, 2, 2), padding_arg="same")
    # Every other border mode.
    conv_case("conv2d_replicate", rand(1, 2, 6, 7), rand(3, 2, 3, 3), border="replicate", pad=(2, 2, 1, 1), padding_arg="2,1")
    conv_case("conv2d_circular_stride2", rand(1, 2, 7, 6), rand(2, 2, 3, 4), stride=(2, 2), border="circular",
              pad=(1, 2, 2, 1), padding_arg="1,2,2,1")
    conv_case("conv2d_symmetric", rand(1, 2, 5, 6), rand(2, 2, 5, 3), border="symmetric", pad=(2, 2, 1, 1), padding_arg="2,1")
    conv_case("conv2d_reflect_dilated", rand(2, 6, 7), rand(2, 2, 3, 3), dilation=(2, 2), border="reflect",
              pad=(2, 2, 2, 2), padding_arg="same")
    # Bias and fused ReLU.
    conv_case("conv2d_bias_relu", rand(1, 3, 6, 6), rand(4, 3, 3, 3), rand(4), pad=(1, 1, 1, 1), padding_arg="1", relu=True)
    # 1×1 convolution (channel mixing).
    conv_case("conv2d_1x1", rand(2, 3, 5, 6), rand(8, 3, 1, 1), rand(8))
    # Rank-1 (separable) kernels: every kernel an outer product of a column and a row.
    cols, rows = rand(3, 2, 5), rand(3, 2, 5)
    w = np.einsum("oci,ocj->ocij", cols, rows).astype(np.float32)
    conv_case("conv2d_rank1_kernel", rand(1, 2, 9, 10), w, border="reflect", pad=(2, 2, 2, 2), padding_arg="same")
    # A kernel as large (and as deep) as the input: one output per channel.
    conv_case("conv2d_kernel_as_large_as_input", rand(2, 5, 5), rand(3, 2, 5, 5), rand(3))
    # Other dtypes in: uint8 image, int16 kernels, float64 bias (converted to float32).
    x = rng.integers(0, 256, size=(3, 6, 6), dtype=np.uint8)
    w = rng.integers(-3, 4, size=(2, 3, 3, 3)).astype(np.int16)
    b = rng.standard_normal(2)
    conv_case("conv2d_uint8_int16_float64", x, w, b, border="replicate", pad=(1, 1, 1, 1), padding_arg="1")
    # int32 input, true convolution with stride and dilation.
    x = rng.integers(-50, 50, size=(1, 2, 9, 9), dtype=np.int32)
    conv_case("conv2d_int32_flip_stride_dilation", x, rand(2, 2, 3, 2), stride=(2, 2), dilation=(2, 1), flip=True,
              pad=(1, 1, 1, 1), padding_arg="1")
    # The seeds' example (DESIGN §3): 4×4 image 1..16, kernel [[1,1],[-1,-1]] → −8 everywhere.
    seed_x = np.arange(1, 17, dtype=np.float32).reshape(1, 4, 4)
    seed_w = np.array([[[[1, 1], [-1, -1]]]], dtype=np.float32)
    conv_case("seeds_cross_correlation", seed_x, seed_w)


def make_scipy():
    seed_x = np.arange(1, 17, dtype=np.float32).reshape(1, 4, 4)
    seed_w = np.array([[[[1, 1], [-1, -1]]]], dtype=np.float32)
    # True convolution of the seeds' example: +8 everywhere.
    scipy_case("seeds_true_convolution", seed_x, seed_w, "valid", None)
    scipy_case("scipy_valid_multichannel", rand(2, 7, 7), rand(3, 2, 3, 3), "valid", None, rand(3))
    scipy_case("scipy_full_multichannel", rand(3, 5, 6), rand(2, 3, 3, 2), "full", "full", rand(2))
    # Odd kernels: scipy's 'same' centring equals DESIGN's same (before = (k−1)/2).
    scipy_case("scipy_same_odd", rand(1, 6, 7), rand(1, 1, 3, 5), "same", "same")
    # Even kernels: scipy's 'same' keeps full[(k−1)//2 :], i.e. ceil((k−1)/2) padding BEFORE once the
    # kernel is flipped; DESIGN's same puts floor((k−1)/2) before. They differ by one sample, so this
    # case asks for scipy's placement explicitly: kernel 4×2 → T,B,L,R = 2,1,1,0.
    x, w = rand(1, 6, 7), rand(1, 1, 4, 2)
    scipy_case("scipy_same_even_explicit", x, w, "same", "2,1,1,0",
               note="; scipy's even-kernel 'same' centring, asked for as --padding 2,1,1,0")
    # ... and DESIGN's same with the same even kernel, computed with torch (flip + F.pad).
    ph, pw = same_pad(6, 4, 1, 1), same_pad(7, 2, 1, 1)
    conv_case("conv2d_flip_same_even_design", x, w, flip=True, pad=(*ph, *pw), padding_arg="same")


def make_transpose():
    def case(name, x, w, b=None, stride=(1, 1), padding=(0, 0), output_padding=(0, 0), dilation=(1, 1), groups=1):
        xt = t(x)
        batched = xt.dim() == 4
        if not batched:
            xt = xt.unsqueeze(0)
        y = F.conv_transpose2d(xt, t(w), None if b is None else t(b), stride=stride, padding=padding,
                               output_padding=output_padding, groups=groups, dilation=dilation)
        if not batched:
            y = y.squeeze(0)
        args = ["--stride", f"{stride[0]},{stride[1]}", "--padding", f"{padding[0]},{padding[1]}",
                "--output-padding", f"{output_padding[0]},{output_padding[1]}",
                "--dilation", f"{dilation[0]},{dilation[1]}", "--groups", groups]
        inputs = {"--input": ("input.npy", x), "--weight": ("weight.npy", w)}
        if b is not None:
            inputs["--bias"] = ("bias.npy", b)
        call = (f"torch F.conv_transpose2d(x, w, b, stride={stride}, padding={padding}, "
                f"output_padding={output_padding}, groups={groups}, dilation={dilation})")
        save_case(name, "conv-transpose2d", args, inputs, {"--output": ("expected.npy", y)}, call)

    case("conv_transpose2d_k2_s2_chw", rand(4, 5, 6), rand(4, 3, 2, 2), rand(3), stride=(2, 2))
    case("conv_transpose2d_pad_output_padding", rand(2, 2, 4, 5), rand(2, 3, 3, 3), stride=(2, 2), padding=(1, 1),
         output_padding=(1, 1))
    case("conv_transpose2d_groups_dilation", rand(1, 4, 4, 4), rand(4, 1, 3, 2), rand(2), stride=(2, 3), padding=(1, 0),
         output_padding=(1, 2), dilation=(2, 2), groups=2)


def make_pools():
    def case(name, kind, x, kernel, stride=None, padding=(0, 0), dilation=(1, 1), ceil_mode=False, count_include_pad=True):
        xt = t(x)
        if kind == "max":
            y = F.max_pool2d(xt, kernel, stride=stride, padding=padding, dilation=dilation, ceil_mode=ceil_mode)
            call = f"torch F.max_pool2d(x, {kernel}, stride={stride}, padding={padding}, dilation={dilation}, ceil_mode={ceil_mode})"
        else:
            y = F.avg_pool2d(xt, kernel, stride=stride, padding=padding, ceil_mode=ceil_mode,
                             count_include_pad=count_include_pad)
            call = (f"torch F.avg_pool2d(x, {kernel}, stride={stride}, padding={padding}, ceil_mode={ceil_mode}, "
                    f"count_include_pad={count_include_pad})")
        args = ["--kernel", f"{kernel[0]},{kernel[1]}"]
        if stride is not None:
            args += ["--stride", f"{stride[0]},{stride[1]}"]
        if padding != (0, 0):
            args += ["--padding", f"{padding[0]},{padding[1]}"]
        if dilation != (1, 1):
            args += ["--dilation", f"{dilation[0]},{dilation[1]}"]
        if ceil_mode:
            args += ["--ceil-mode"]
        if not count_include_pad:
            args += ["--exclude-pad"]
        op = "max-pool2d" if kind == "max" else "avg-pool2d"
        save_case(name, op, args, {"--input": ("input.npy", x)}, {"--output": ("expected.npy", y)}, call)

    case("max_pool2d_2x2_chw", "max", rand(3, 6, 7), (2, 2))
    case("max_pool2d_3x3_s2_p1_ceil", "max", rand(2, 2, 7, 8), (3, 3), stride=(2, 2), padding=(1, 1), ceil_mode=True)
    case("max_pool2d_dilation2", "max", rand(1, 2, 8, 9), (3, 3), stride=(1, 1), padding=(1, 1), dilation=(2, 2))
    case("max_pool2d_axes_ceil", "max", rand(1, 3, 5, 7), (2, 3), stride=(1, 2), padding=(1, 1), ceil_mode=True)
    case("avg_pool2d_2x2_chw", "avg", rand(3, 6, 7), (2, 2))
    case("avg_pool2d_3x3_s2_p1_ceil_include_pad", "avg", rand(2, 2, 7, 8), (3, 3), stride=(2, 2), padding=(1, 1),
         ceil_mode=True)
    case("avg_pool2d_3x3_s2_p1_ceil_exclude_pad", "avg", rand(2, 2, 7, 8), (3, 3), stride=(2, 2), padding=(1, 1),
         ceil_mode=True, count_include_pad=False)
    case("avg_pool2d_axes_exclude_pad", "avg", rand(1, 2, 6, 5), (3, 2), stride=(2, 1), padding=(1, 1),
         ceil_mode=True, count_include_pad=False)


def make_backward():
    def case(name, x, w, stride=(1, 1), dilation=(1, 1), pad=(0, 0, 0, 0), padding_arg=None, groups=1,
             border="zeros", flip=False, relu=False):
        """Gradients by torch autograd of L = Σ G·y, y = [relu](conv2d(pad(x), [flip](w)) + b) at b = 0."""
        xt = t(x).requires_grad_(True)
        wt = t(w).requires_grad_(True)
        bt = torch.zeros(w.shape[0], requires_grad=True)
        xb = xt if xt.dim() == 4 else xt.unsqueeze(0)
        y = F.conv2d(pad4(xb, *pad, border), wt.flip(2, 3) if flip else wt, bt, stride=stride, dilation=dilation,
                     groups=groups)
        if relu:
            y = F.relu(y)
        if xt.dim() == 3:
            y = y.squeeze(0)
        g = rand(*y.shape)
        (y * t(g)).sum().backward()
        args = []
        if stride != (1, 1):
            args += ["--stride", f"{stride[0]},{stride[1]}"]
        if dilation != (1, 1):
            args += ["--dilation", f"{dilation[0]},{dilation[1]}"]
        if padding_arg is not None:
            args += ["--padding", padding_arg]
        if groups != 1:
            args += ["--groups", groups]
        if border != "zeros":
            args += ["--border", border]
        if flip:
            args += ["--flip"]
        if relu:
            args += ["--relu"]
        call = (f"torch autograd of sum(G * {'relu(' if relu else ''}F.conv2d(F.pad(x, T,B,L,R={pad}, mode='{border}'), "
                f"{'w.flip(2,3)' if flip else 'w'}, b=0, stride={stride}, dilation={dilation}, groups={groups}){')' if relu else ''})")
        save_case(name, "conv2d-backward", args,
                  {"--input": ("input.npy", x), "--weight": ("weight.npy", w), "--grad-output": ("grad_output.npy", g)},
                  {"--grad-input": ("grad_input.npy", xt.grad), "--grad-weight": ("grad_weight.npy", wt.grad),
                   "--grad-bias": ("grad_bias.npy", bt.grad)}, call)

    case("conv2d_backward_pad1", rand(1, 3, 6, 6), rand(4, 3, 3, 3), pad=(1, 1, 1, 1), padding_arg="1")
    case("conv2d_backward_stride_dilation_groups", rand(2, 4, 7, 8), rand(6, 2, 3, 3), stride=(2, 2), dilation=(1, 2),
         pad=(2, 1, 0, 1), padding_arg="2,1,0,1", groups=2)
    case("conv2d_backward_replicate_same_chw", rand(2, 6, 7), rand(3, 2, 3, 3), border="replicate", pad=(1, 1, 1, 1),
         padding_arg="same")
    case("conv2d_backward_relu_flip", rand(1, 2, 6, 6), rand(3, 2, 3, 3), pad=(1, 1, 1, 1), padding_arg="1", flip=True,
         relu=True)
    case("conv2d_backward_depthwise_reflect_stride2", rand(1, 3, 8, 8), rand(3, 1, 3, 3), stride=(2, 2), groups=3,
         border="reflect", pad=(1, 1, 1, 1), padding_arg="1")
    case("conv2d_backward_circular", rand(1, 2, 5, 6), rand(2, 2, 3, 3), border="circular", pad=(1, 1, 2, 0),
         padding_arg="1,1,2,0")


def make_bad():
    os.makedirs(BAD)
    x = rand(2, 5, 5)
    np.save(os.path.join(BAD, "fortran_order.npy"), np.asfortranarray(x))
    np.save(os.path.join(BAD, "big_endian.npy"), x.astype(">f4"))
    np.save(os.path.join(BAD, "complex.npy"), x.astype(np.complex64))
    np.save(os.path.join(BAD, "object.npy"), np.array([[1, "a"], [None, 2.5]], dtype=object), allow_pickle=True)
    np.save(os.path.join(BAD, "float16.npy"), x.astype(np.float16))
    buffer = io.BytesIO()
    np.save(buffer, x)
    good = buffer.getvalue()
    with open(os.path.join(BAD, "truncated_data.npy"), "wb") as f:
        f.write(good[:-7])
    with open(os.path.join(BAD, "truncated_header.npy"), "wb") as f:
        f.write(good[:40])
    with open(os.path.join(BAD, "not_npy.npy"), "wb") as f:
        f.write(b"P5\n5 5\n255\n" + bytes(25))
    # Sanity: numpy itself reads what it wrote and rejects what was cut.
    assert np.load(os.path.join(BAD, "fortran_order.npy")).flags.f_contiguous
    assert np.load(os.path.join(BAD, "big_endian.npy")).dtype.byteorder == ">"


def check_scipy_same_agreement():
    """Asserts the claims made above about scipy's 'same' centring (odd: agrees; even: one later)."""
    x = rng.standard_normal((5, 6))
    for k in (3, 5):
        kern = rng.standard_normal((k, k))
        full = scipy.signal.convolve2d(x, kern, "full")
        same = scipy.signal.convolve2d(x, kern, "same")
        before = same_pad(5, k, 1, 1)[0]  # DESIGN: (k−1)/2 before
        o = (k - 1) - before
        assert np.allclose(full[o:o + 5, o:o + 6], same)
    kern = rng.standard_normal((4, 4))
    full = scipy.signal.convolve2d(x, kern, "full")
    same = scipy.signal.convolve2d(x, kern, "same")
    assert np.allclose(full[1:6, 1:7], same)  # offset (k−1)//2 = 1 → padding before = k−1−1 = 2


def make_conv3d():
    """conv3d through F.pad on all three axes (PyTorch's padding_mode), numpy.pad for symmetric and
    for a time axis with its own rule (--time-border), then F.conv3d; or torch's padding='same'."""
    def case(name, x, w, b=None, stride=(1, 1, 1), dilation=(1, 1, 1), pad=(0,) * 6, padding_arg=None,
             groups=1, border="zeros", time_border=None, flip=False, relu=False, torch_same=False):
        xt = t(x)
        batched = xt.dim() == 5
        if not batched:
            xt = xt.unsqueeze(0)
        wt = t(w).flip(2, 3, 4) if flip else t(w)
        bt = None if b is None else t(b)
        f_, bk, top, bottom, left, right = pad
        tb = time_border or border
        if torch_same:
            y = F.conv3d(xt, wt, bt, padding="same", dilation=dilation, groups=groups)
            call = f"F.conv3d(x, w, b, padding='same', dilation={dilation}, groups={groups})"
        else:
            if tb == border and border in ("zeros", "reflect", "replicate", "circular"):
                mode = "constant" if border == "zeros" else border
                xp = F.pad(xt, (left, right, top, bottom, f_, bk), mode=mode)
                padder = f"F.pad(mode='{mode}')"
            else:
                np_mode = {"zeros": "constant", "replicate": "edge", "reflect": "reflect", "symmetric": "symmetric", "circular": "wrap"}
                a = np.pad(xt.numpy(), ((0, 0), (0, 0), (0, 0), (top, bottom), (left, right)), mode=np_mode[border])
                xp = t(np.pad(a, ((0, 0), (0, 0), (f_, bk), (0, 0), (0, 0)), mode=np_mode[tb]))
                padder = f"numpy.pad(H,W mode='{np_mode[border]}', T mode='{np_mode[tb]}')"
            y = F.conv3d(xp, wt, bt, stride=stride, dilation=dilation, groups=groups)
            call = f"F.conv3d({padder} by F,B,T,B,L,R={pad}, w, b, stride={stride}, dilation={dilation}, groups={groups})"
        if flip:
            call = call.replace(", w,", ", w.flip(2,3,4),")
        if relu:
            y = F.relu(y)
            call = f"F.relu({call})"
        if not batched:
            y = y.squeeze(0)
        args = []
        if stride != (1, 1, 1):
            args += ["--stride", ",".join(map(str, stride))]
        if dilation != (1, 1, 1):
            args += ["--dilation", ",".join(map(str, dilation))]
        if padding_arg is not None:
            args += ["--padding", padding_arg]
        if groups != 1:
            args += ["--groups", groups]
        if border != "zeros":
            args += ["--border", border]
        if time_border is not None:
            args += ["--time-border", time_border]
        if flip:
            args += ["--flip"]
        if relu:
            args += ["--relu"]
        inputs = {"--input": ("input.npy", x), "--weight": ("weight.npy", w)}
        if b is not None:
            inputs["--bias"] = ("bias.npy", b)
        save_case(name, "conv3d", args, inputs, {"--output": ("expected.npy", y)}, "torch " + call)

    case("conv3d_cthw_bias", rand(3, 4, 5, 6), rand(4, 3, 3, 3, 3), rand(4))
    case("conv3d_same_torch", rand(1, 2, 5, 6, 7), rand(3, 2, 3, 3, 3), rand(3), padding_arg="same", torch_same=True)
    case("conv3d_batch_stride_reflect", rand(2, 2, 6, 7, 8), rand(3, 2, 3, 3, 3), stride=(2, 1, 2), pad=(1,) * 6,
         padding_arg="1", border="reflect")
    case("conv3d_full_dilated_groups", rand(4, 5, 6, 6), rand(4, 2, 2, 3, 2), dilation=(2, 1, 2), pad=(2, 2, 2, 2, 2, 2),
         padding_arg="full", groups=2)
    case("conv3d_symmetric_time_replicate", rand(2, 5, 6, 7), rand(2, 2, 3, 3, 3), pad=(1, 1, 1, 1, 1, 1),
         padding_arg="1", border="symmetric", time_border="replicate")
    case("conv3d_circular_asymmetric_flip_relu", rand(1, 2, 4, 5, 6), rand(2, 2, 2, 3, 3), pad=(1, 0, 2, 0, 1, 2),
         padding_arg="1,0,2,0,1,2", border="circular", flip=True, relu=True)


def main():
    for folder in (OPS, BAD):
        if os.path.isdir(folder):
            shutil.rmtree(folder)
    check_scipy_same_agreement()
    make_conv2d()
    make_scipy()
    make_transpose()
    make_pools()
    make_backward()
    make_bad()
    make_conv3d()
    total = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(HERE) for f in fs)
    print(f"{len(os.listdir(OPS))} cases, {total} bytes under {HERE}")


if __name__ == "__main__":
    main()
