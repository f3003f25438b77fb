#!/usr/bin/python3
"""Makes the fixtures of the `convstream filter` end-to-end tests (FilterCommandTests.cs).

Run with Debian's Python (numpy + cv2 4.6):  /usr/bin/python3 make_filter_fixtures.py
input.png is a small BGR picture (smooth gradients, edges and noise; odd size) written by OpenCV;
each expected_*.npy is what OpenCV computes from cv2.imread(input.png) for the stages the test
runs through `convstream filter`, with OpenCV's default border (BORDER_REFLECT_101).
"""
import json
import os

import cv2
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(3)

h, w = 37, 53
y, x = np.mgrid[0:h, 0:w]
img = np.zeros((h, w, 3), np.float64)
img[..., 0] = 255 * x / (w - 1)
img[..., 1] = 128 + 100 * np.sin(x / 5.0) * np.cos(y / 7.0)
img[..., 2] = np.where((x - 30) ** 2 + (y - 15) ** 2 < 120, 230, 30)
img += rng.normal(0, 12, img.shape)
bgr = np.clip(np.rint(img), 0, 255).astype(np.uint8)
cv2.imwrite(os.path.join(HERE, 'input.png'), bgr)
src = cv2.imread(os.path.join(HERE, 'input.png'), cv2.IMREAD_COLOR)
assert np.array_equal(src, bgr)
gray = cv2.cvtColor(src, cv2.COLOR_BGR2GRAY)

kernel = [[0, -1, 0], [-1, 5, -1], [0, -1, 0]]  # sharpen
with open(os.path.join(HERE, 'sharpen.json'), 'w') as f:
    json.dump({'weights': kernel}, f)
with open(os.path.join(HERE, 'ragged.json'), 'w') as f:
    f.write('{"weights": [[1, 2, 3], [4, 5]]}\n')

sobel = cv2.Sobel(gray, cv2.CV_16S, 1, 0, ksize=3)
expected = {
    'gray': gray,
    'gray_gaussian5': cv2.GaussianBlur(gray, (5, 5), 0),
    'gaussian7_bgr': cv2.GaussianBlur(src, (7, 7), 1.5),
    'sobel_dx_s16': sobel,
    'sobel_dx_png': np.clip(sobel, 0, 255).astype(np.uint8),  # what an 8-bit file holds: saturate_cast
    'sharpen_bgr': cv2.filter2D(src, -1, np.array(kernel, np.float32)),
    'gray_maxpool2': gray[:h // 2 * 2, :w // 2 * 2].reshape(h // 2, 2, w // 2, 2).max(axis=(1, 3)),
}
for name, a in expected.items():
    np.save(os.path.join(HERE, f'expected_{name}.npy'), np.ascontiguousarray(a))
print('fixtures written:', sum(os.path.getsize(os.path.join(HERE, f)) for f in os.listdir(HERE)), 'bytes')
