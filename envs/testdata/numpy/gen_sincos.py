"""Record numpy's float64 sin and cos, bit for bit, for envs' svml test.

Run with numpy 1.24 on an x86-64 CPU with AVX-512 (numpy then uses its
vendored SVML kernels, as on the machine Gymnasium's reference data was
recorded on):

    python3 gen_sincos.py [N] > sincos.txt

Each line is "x sin(x) cos(x)" as 16-digit hexadecimal IEEE-754 bits.
"""
import random
import struct
import sys

import numpy as np


def bits(v):
    return "%016x" % struct.unpack("<Q", struct.pack("<d", float(v)))[0]


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1500
    rng = random.Random(20261128)
    xs = [0.0, -0.0, 1e-300, -1e-20, 2**-27, 2**-26, np.pi, -np.pi, np.pi / 2, 1e6, -1e7]
    # The environments' ranges: small pole angles, angles within a few
    # turns, and larger values for the long-running pendulum.
    scales = [0.25, 1.0, 4.0, 20.0, 1000.0]
    while len(xs) < n:
        s = scales[len(xs) % len(scales)]
        xs.append(rng.uniform(-s, s))
    sin = np.sin(np.array(xs, dtype=np.float64))
    cos = np.cos(np.array(xs, dtype=np.float64))
    # Scalars go through the same loop; check that they agree.
    for x, s, c in zip(xs, sin, cos):
        assert np.sin(np.float64(x)) == s and np.cos(np.float64(x)) == c
        print(bits(x), bits(s), bits(c))


if __name__ == "__main__":
    main()
