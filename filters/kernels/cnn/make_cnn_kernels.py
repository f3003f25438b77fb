#!/usr/bin/python3
"""Writes the hand-designed kernels of filters/pipelines/cnn.json (run from this folder):

features.json    conv2d weights (8, 3, 3, 3) + bias: eight feature maps of a BGR frame
reconstruct.json conv-transpose2d weights (8, 3, 2, 2): back from the pooled maps to BGR at full size

The maps, on luminance L = 0.114 B + 0.587 G + 0.299 R (OpenCV's gray weights):
  0 Sobel x, 1 Sobel y, 2 -Sobel x, 3 -Sobel y (after ReLU: one polarity of each edge direction each),
  4 Laplacian (ridges), 5 3x3 box blur of L (the picture's brightness),
  6 blue-yellow opponent B - (R+G)/2, 7 red-green opponent R - G.
The transposed convolution paints each pooled cell as a 2x2 block: brightness from map 5, colour
back from the opponents, edges lightly added so contours show.
"""
import json
import numpy as np

luma = np.array([0.114, 0.587, 0.299], dtype=np.float64)  # B, G, R
sobel_x = np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], dtype=np.float64)
laplace = np.array([[0, 1, 0], [1, -4, 1], [0, 1, 0]], dtype=np.float64)
box = np.full((3, 3), 1 / 9)
center = np.zeros((3, 3)); center[1, 1] = 1

def on_luma(k):
    return np.stack([w * k for w in luma])           # (3, 3, 3): same 2-D kernel on each channel, weighted

def on_colour(weights):
    return np.stack([w * center for w in weights])

w = np.stack([
    on_luma(sobel_x), on_luma(sobel_x.T), on_luma(-sobel_x), on_luma(-sobel_x.T),
    on_luma(laplace), on_luma(box),
    on_colour([1.0, -0.5, -0.5]), on_colour([0.0, -1.0, 1.0]),
])
bias = np.zeros(8)

# Transposed conv weights (Cin=8, Cout=3, 2, 2): every output pixel of a 2x2 block gets the same mix.
mix = np.zeros((8, 3))
mix[5] = [1.0, 1.0, 1.0]                 # brightness to B, G, R
mix[6] = [0.67, -0.33, -0.33]            # blue-yellow back to colour
mix[7] = [0.0, -0.5, 0.5]                # red-green back to colour
for edge in range(4):
    mix[edge] = [0.15, 0.15, 0.15]       # contours, lightly
up = np.repeat(np.repeat(mix[:, :, None, None], 2, axis=2), 2, axis=3)

def r(a):
    return np.round(a, 5).tolist()

with open("features.json", "w") as f:
    json.dump({"weights": r(w), "bias": r(bias)}, f)
    f.write("\n")
with open("reconstruct.json", "w") as f:
    json.dump({"weights": r(up)}, f)
    f.write("\n")
print("features", w.shape, "reconstruct", up.shape)
