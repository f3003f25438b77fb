#!/usr/bin/python3
"""Makes the PNG (and PGM/PPM) fixtures for ConvStream's image codec tests.

Run with Debian's Python (numpy + cv2 4.6):  /usr/bin/python3 make_png_fixtures.py
It hand-crafts PNG files with zlib/struct (every colour type and bit depth, palette with tRNS,
each of the five row filters, Adam7 interlacing, 16-bit) and saves beside each NAME.png the
pixels OpenCV decodes from it as NAME.npy:
  * colour types (RGB, RGBA, palette) -> cv2.imread(IMREAD_COLOR), BGR (H,W,3) uint8;
  * gray types (gray, gray+alpha)      -> cv2.imread(IMREAD_GRAYSCALE), (H,W) uint8.
Damaged files (bad_*.png) have no .npy: the tests expect a one-line error naming the file.
Every crafted file is also checked against what the script meant to encode, so a bug in the
crafting code cannot slip into the fixtures.
"""
import os
import struct
import zlib

import cv2
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
PNM = os.path.join(HERE, '..', 'pnm')
rng = np.random.default_rng(20261122)

GRAY, RGB, PALETTE, GRAY_ALPHA, RGBA = 0, 2, 3, 4, 6
CHANNELS = {GRAY: 1, RGB: 3, PALETTE: 1, GRAY_ALPHA: 2, RGBA: 4}
ADAM7 = [(0, 0, 8, 8), (0, 4, 8, 8), (4, 0, 8, 4), (0, 2, 4, 4), (2, 0, 4, 2), (0, 1, 2, 2), (1, 0, 2, 1)]  # y0, x0, dy, dx


def chunk(kind, data, crc=None):
    if crc is None:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack('>I', len(data)) + kind + data + struct.pack('>I', crc)


def pack_row(samples, depth):
    """One row of samples (W*C ints) to bytes: bits MSB first below 8, big endian at 16."""
    samples = np.asarray(samples, dtype=np.int64).ravel()
    if depth == 8:
        return samples.astype(np.uint8).tobytes()
    if depth == 16:
        return samples.astype('>u2').tobytes()
    per = 8 // depth
    out = bytearray((len(samples) + per - 1) // per)
    for i, s in enumerate(samples):
        out[i // per] |= int(s) << (8 - depth * (i % per + 1))
    return bytes(out)


def paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = np.abs(p - a), np.abs(p - b), np.abs(p - c)
    return np.where((pa <= pb) & (pa <= pc), a, np.where(pb <= pc, b, c))


def filter_row(kind, raw, prior, bpp):
    """Encodes one scanline with PNG filter `kind` (0..4); filters work on the raw bytes."""
    x = np.frombuffer(raw, dtype=np.uint8).astype(np.int64)
    b = np.frombuffer(prior, dtype=np.uint8).astype(np.int64) if prior is not None else np.zeros_like(x)
    a = np.concatenate([np.zeros(bpp, np.int64), x[:-bpp]])[:len(x)]
    c = np.concatenate([np.zeros(bpp, np.int64), b[:-bpp]])[:len(x)]
    pred = [np.zeros_like(x), a, b, (a + b) // 2, paeth(a, b, c)][kind]
    return bytes([kind]) + ((x - pred) & 0xFF).astype(np.uint8).tobytes()


def scanlines(img, depth, channels, filters):
    """img: (H, W, C) samples. Returns the filtered scanlines of one (sub)image."""
    h, w = img.shape[:2]
    bpp = max(1, channels * depth // 8)
    out, prior = b'', None
    for y in range(h):
        raw = pack_row(img[y], depth)
        out += filter_row(filters[y % len(filters)], raw, prior, bpp)
        prior = raw
    return out


def make_png(img, depth, ctype, filters=(0,), interlace=False, plte=None, trns=None, idat_splits=1):
    h, w = img.shape[:2]
    channels = CHANNELS[ctype]
    if interlace:
        data = b''
        for y0, x0, dy, dx in ADAM7:
            sub = img[y0::dy, x0::dx]
            if sub.shape[0] and sub.shape[1]:
                data += scanlines(sub, depth, channels, filters)
    else:
        data = scanlines(img, depth, channels, filters)
    z = zlib.compress(data, 6)
    out = b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', w, h, depth, ctype, 0, 0, 1 if interlace else 0))
    out += chunk(b'tEXt', b'Comment\x00ConvStream fixture')  # an ancillary chunk the reader must skip
    if plte is not None:
        out += chunk(b'PLTE', bytes(np.asarray(plte, np.uint8).ravel()))
    if trns is not None:
        out += chunk(b'tRNS', trns)
    step = (len(z) + idat_splits - 1) // idat_splits
    for i in range(0, len(z), step):
        out += chunk(b'IDAT', z[i:i + step])
    return out + chunk(b'IEND', b'')


def samples(h, w, c, depth):
    return rng.integers(0, 1 << depth, size=(h, w, c), dtype=np.int64)


def save(name, data, gray, intended=None):
    path = os.path.join(HERE, name + '.png')
    with open(path, 'wb') as f:
        f.write(data)
    got = cv2.imread(path, cv2.IMREAD_GRAYSCALE if gray else cv2.IMREAD_COLOR)
    assert got is not None, name
    if intended is not None:
        assert np.array_equal(got, intended), f'{name}: OpenCV decodes something else than was meant'
    np.save(os.path.join(HERE, name + '.npy'), np.ascontiguousarray(got))


def gray_scale(v, depth):
    """libpng's expansion of 1/2/4-bit gray to 8 bits (replicates the bits: 1 -> 255, 0xA -> 0xAA)."""
    return (v * (255 // ((1 << depth) - 1))).astype(np.uint8)


H, W = 7, 13  # odd sizes: sub-byte rows end mid-byte

# Gray, every bit depth (16-bit is reduced to 8 by >>8 as OpenCV does).
for depth in (1, 2, 4, 8, 16):
    img = samples(H, W, 1, depth)
    want = (img[..., 0] >> 8).astype(np.uint8) if depth == 16 else gray_scale(img[..., 0], depth)
    save(f'gray{depth}', make_png(img, depth, GRAY, filters=(0, 1, 2, 3, 4)), True, want)

# RGB and RGBA at 8 and 16 bits; alpha is dropped.
for depth in (8, 16):
    img = samples(H, W, 3, depth)
    want = (img[..., ::-1] >> (8 if depth == 16 else 0)).astype(np.uint8)
    save(f'rgb{depth}', make_png(img, depth, RGB, filters=(0, 1, 2, 3, 4)), False, want)
    img = samples(H, W, 4, depth)
    want = (img[..., 2::-1] >> (8 if depth == 16 else 0)).astype(np.uint8)
    save(f'rgba{depth}', make_png(img, depth, RGBA, filters=(4, 3, 2, 1, 0)), False, want)
    img = samples(H, W, 2, depth)
    want = (img[..., 0] >> (8 if depth == 16 else 0)).astype(np.uint8)
    save(f'grayalpha{depth}', make_png(img, depth, GRAY_ALPHA, filters=(1, 2, 3, 4, 0)), True, want)

# One file per filter type (every row the same filter), on RGB 8-bit.
for kind, label in enumerate(['none', 'sub', 'up', 'average', 'paeth']):
    img = samples(9, 11, 3, 8)
    save(f'filter_{label}', make_png(img, 8, RGB, filters=(kind,)), False, img[..., ::-1].astype(np.uint8))

# Palette at every bit depth; the 8-bit one carries tRNS (ignored: alpha is dropped).
for depth in (1, 2, 4, 8):
    n = 1 << depth
    plte = rng.integers(0, 256, size=(n, 3))
    img = samples(H, W, 1, depth)
    trns = bytes(rng.integers(0, 256, size=n // 2).astype(np.uint8)) if depth >= 4 else None
    want = plte[img[..., 0]][..., ::-1].astype(np.uint8)
    save(f'palette{depth}' + ('_trns' if trns else ''), make_png(img, depth, PALETTE, (0, 1, 2, 3, 4), plte=plte, trns=trns), False, want)

# A short palette (5 entries) with an index past its end: libpng paints such pixels black.
plte = rng.integers(0, 256, size=(5, 3))
img = rng.integers(0, 5, size=(4, 6, 1))
img[1, 2, 0] = 7
want = np.concatenate([plte, np.zeros((256 - 5, 3), np.int64)])[img[..., 0]][..., ::-1].astype(np.uint8)
save('palette_out_of_range', make_png(img, 8, PALETTE, plte=plte), False, want)

# Gray with tRNS (a transparent gray value): ignored.
img = samples(H, W, 1, 8)
save('gray8_trns', make_png(img, 8, GRAY, trns=struct.pack('>H', 17)), True, img[..., 0].astype(np.uint8))

# Adam7 interlacing, including images so small some passes are empty.
for name, (h, w, depth, ctype) in {
    'interlaced_rgb8': (H, W, 8, RGB), 'interlaced_gray1': (H, W, 1, GRAY), 'interlaced_palette4': (H, W, 4, PALETTE),
    'interlaced_rgba16': (H, W, 16, RGBA), 'interlaced_gray8_1x1': (1, 1, 8, GRAY), 'interlaced_rgb8_3x2': (2, 3, 8, RGB),
    'interlaced_gray2_9x10': (10, 9, 2, GRAY),
}.items():
    img = samples(h, w, CHANNELS[ctype], depth)
    plte = rng.integers(0, 256, size=(1 << depth, 3)) if ctype == PALETTE else None
    gray = ctype in (GRAY, GRAY_ALPHA)
    if ctype == PALETTE:
        want = plte[img[..., 0]][..., ::-1]
    elif gray:
        want = gray_scale(img[..., 0], depth) if depth < 8 else img[..., 0] >> (depth - 8)
    else:
        want = img[..., 2::-1] >> (depth - 8)
    save(name, make_png(img, depth, ctype, (0, 1, 2, 3, 4), interlace=True, plte=plte), gray, want.astype(np.uint8))

# Several IDAT chunks, and a 1x1 image.
img = samples(H, W, 3, 8)
save('rgb8_split_idat', make_png(img, 8, RGB, (4,), idat_splits=5), False, img[..., ::-1].astype(np.uint8))
img = samples(1, 1, 3, 8)
save('rgb8_1x1', make_png(img, 8, RGB), False, img[..., ::-1].astype(np.uint8))

# Files written by OpenCV itself (libpng's own filter choice and compression).
bgr = rng.integers(0, 256, size=(24, 31, 3), dtype=np.uint8)
bgr[:, :15] = np.linspace(0, 255, 15, dtype=np.uint8)[None, :, None]  # smooth part so filters matter
for name, im in {'cv2_bgr': bgr, 'cv2_gray': cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY)}.items():
    path = os.path.join(HERE, name + '.png')
    cv2.imwrite(path, im, [cv2.IMWRITE_PNG_COMPRESSION, 9])
    save(name, open(path, 'rb').read(), im.ndim == 2, im)

# Damaged files: the tests expect a one-line error naming the file.
good = make_png(samples(H, W, 3, 8), 8, RGB, (1,))
sig = b'\x89PNG\r\n\x1a\n'
ihdr = chunk(b'IHDR', struct.pack('>IIBBBBB', W, H, 8, RGB, 0, 0, 0))
raw = scanlines(samples(H, W, 3, 8), 8, 3, (0,))
bad = {
    'bad_truncated': good[:len(good) // 2],
    'bad_crc': good[:-20] + bytes([good[-20] ^ 0x55]) + good[-19:],  # a byte of the IDAT's CRC
    'bad_no_iend': good[:-12],
    'bad_no_ihdr': sig + chunk(b'IDAT', zlib.compress(raw)) + chunk(b'IEND', b''),
    'bad_zlib': sig + ihdr + chunk(b'IDAT', b'\x78\x9c' + bytes(rng.integers(0, 256, 40, dtype=np.uint8))) + chunk(b'IEND', b''),
    'bad_short_data': sig + ihdr + chunk(b'IDAT', zlib.compress(raw[:-10])) + chunk(b'IEND', b''),
    'bad_long_data': sig + ihdr + chunk(b'IDAT', zlib.compress(raw + b'\x00' * 40)) + chunk(b'IEND', b''),
    'bad_filter_type': sig + ihdr + chunk(b'IDAT', zlib.compress(b'\x07' + raw[1:])) + chunk(b'IEND', b''),
    'bad_signature': b'\x89PNG\r\n\x1a\x0b' + good[8:],
    'bad_depth': sig + chunk(b'IHDR', struct.pack('>IIBBBBB', W, H, 4, RGB, 0, 0, 0)) + chunk(b'IDAT', zlib.compress(raw)) + chunk(b'IEND', b''),
    'bad_no_plte': sig + chunk(b'IHDR', struct.pack('>IIBBBBB', W, H, 8, PALETTE, 0, 0, 0)) + chunk(b'IDAT', zlib.compress(raw)) + chunk(b'IEND', b''),
    'bad_no_idat': sig + ihdr + chunk(b'IEND', b''),
    'bad_zero_width': sig + chunk(b'IHDR', struct.pack('>IIBBBBB', 0, H, 8, RGB, 0, 0, 0)) + chunk(b'IDAT', zlib.compress(raw)) + chunk(b'IEND', b''),
    'bad_critical_chunk': sig + ihdr + chunk(b'QXYZ', b'1234') + chunk(b'IDAT', zlib.compress(raw)) + chunk(b'IEND', b''),
}
for name, data in bad.items():
    with open(os.path.join(HERE, name + '.png'), 'wb') as f:
        f.write(data)

# PGM/PPM written by OpenCV (binary) and by hand (ASCII, with comments), with OpenCV's decode.
os.makedirs(PNM, exist_ok=True)
cv2.imwrite(os.path.join(PNM, 'cv2_bgr.ppm'), bgr)
cv2.imwrite(os.path.join(PNM, 'cv2_gray.pgm'), cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY))
small = rng.integers(0, 256, size=(3, 4, 3), dtype=np.uint8)
with open(os.path.join(PNM, 'ascii.ppm'), 'w') as f:
    f.write('P3\n# made by make_png_fixtures.py\n4 3\n255\n')
    for row in small:
        f.write(' '.join(str(v) for v in row.ravel()) + '\n')
with open(os.path.join(PNM, 'ascii.pgm'), 'w') as f:
    f.write('P2\n4  # width\n3\n255\n' + '\n'.join(' '.join(str(v) for v in row) for row in small[..., 0]) + '\n')
for name, gray in [('cv2_bgr.ppm', False), ('cv2_gray.pgm', True), ('ascii.ppm', False), ('ascii.pgm', True)]:
    got = cv2.imread(os.path.join(PNM, name), cv2.IMREAD_GRAYSCALE if gray else cv2.IMREAD_COLOR)
    np.save(os.path.join(PNM, name.replace('.', '_') + '.npy'), got)
assert np.array_equal(np.load(os.path.join(PNM, 'ascii_ppm.npy')), small[..., ::-1])

# OpenCV's saturate_cast<uchar> (what an int16/float32 result becomes in an 8-bit file), through
# cv2.add(x, 0, dtype=CV_8U). Ties, negatives, NaN and values past 255; not values past 2^31,
# where OpenCV's int conversion overflows (ConvStream gives 255 there).
SAT = os.path.join(HERE, '..', '..', '..', 'ConvStream.Engine.Tests', 'Fixtures', 'saturate')
os.makedirs(SAT, exist_ok=True)
f = np.concatenate([np.array([-3.2, 0.5, 1.5, 2.5, 254.5, 255.49, 300, np.nan, -0.5, 0.49999997, 127.5, 128.5, -np.inf, 1e9], np.float32),
                    rng.uniform(-50, 300, 250).astype(np.float32),
                    np.arange(-20, 280, 0.5, dtype=np.float32)]).reshape(-1, 8, 2)
s16 = np.concatenate([np.array([-32768, -300, -1, 0, 1, 254, 255, 256, 32767], np.int16),
                      rng.integers(-400, 400, 39).astype(np.int16)]).reshape(-1, 4, 3)
for name, a in [('f32', f), ('s16', s16)]:
    np.save(os.path.join(SAT, name + '.npy'), a)
    np.save(os.path.join(SAT, name + '_u8.npy'), cv2.add(a, np.zeros_like(a), dtype=cv2.CV_8U))

print('fixtures written:', sum(os.path.getsize(os.path.join(d, f)) for d in (HERE, PNM, SAT) for f in os.listdir(d)), 'bytes')
