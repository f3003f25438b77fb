#!/usr/bin/python3
"""Makes the tiny .npy files the Npy tests read: what real NumPy writes, good and bad.

Run with Debian's numpy: /usr/bin/python3 make_npy_fixtures.py
Good files hold arange(6) reshaped (2,3) in each supported dtype and format version; bad files are
each one thing the reader must refuse with a clear error.
"""
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
base = np.arange(6).reshape(2, 3)


def write(name, array, version):
    with open(os.path.join(HERE, name), "wb") as f:
        np.lib.format.write_array(f, array, version=version, allow_pickle=True)


for dtype in ("<f4", "<f8", "|u1", "<i2", "<i4"):
    tag = np.dtype(dtype).name
    for version in ((1, 0), (2, 0), (3, 0)):
        write("good_%s_v%d.npy" % (tag, version[0]), base.astype(dtype), version)
write("good_scalar_f4.npy", np.array(2.5, dtype="<f4"), (1, 0))
write("good_1d_i4.npy", np.array([-7, 0, 7], dtype="<i4"), (1, 0))

write("bad_fortran.npy", np.asfortranarray(base.astype("<f4")), (1, 0))
write("bad_bigendian.npy", base.astype(">f4"), (1, 0))
write("bad_object.npy", np.array([1, "a", None], dtype=object), (1, 0))
write("bad_complex.npy", base.astype("<c8"), (1, 0))
write("bad_int64.npy", base.astype("<i8"), (1, 0))
