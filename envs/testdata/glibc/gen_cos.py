"""Record Python's math.cos (glibc's cos) bit for bit, for envs' test.

    python3 gen_cos.py N > cos.txt

draws N arguments and prints "x cos(x)" as 16-digit hexadecimal IEEE-754
bits. Run it on glibc 2.28 or later on an x86-64 CPU with FMA and AVX2.
"""
import math
import random
import struct
import sys


def bits(v):
    return "%016x" % struct.unpack("<Q", struct.pack("<d", v))[0]


def main():
    n = int(sys.argv[1])
    rng = random.Random(20261128)
    special = [0.0, -0.0, 1e-9, -2**-27, 0.855469, -0.855469, 2.426265, -2.426265, math.pi, 1e8, -1e8]
    # MountainCar's 3*position spans [-3.6, 1.8]; the other scales reach
    # every branch of glibc's cos.
    scales = [3.6, 0.126, 0.9, 2.5, 10.0, 1e5]
    for i in range(n):
        x = special[i] if i < len(special) else rng.uniform(-1, 1) * scales[i % len(scales)]
        print(bits(x), bits(math.cos(x)))


if __name__ == "__main__":
    main()
