"""Record Python's x**2 (glibc's pow(x, 2.0)) bit for bit, for envs' test.

    python3 gen_square.py N [KEEP] > square.txt

draws N arguments and prints "x x**2" as 16-digit hexadecimal IEEE-754 bits:
every argument whose x**2 differs from the correctly rounded x*x (the cases
that matter), and the first KEEP of the others (all of them when KEEP is
not given). Run it on glibc 2.28 or later on an x86-64 CPU with FMA and
AVX2.
"""
import random
import struct
import sys


def bits(v):
    return "%016x" % struct.unpack("<Q", struct.pack("<d", v))[0]


def main():
    n = int(sys.argv[1])
    keep = int(sys.argv[2]) if len(sys.argv) > 2 else n
    rng = random.Random(20261128)
    special = [0.0, -0.0, 1.0, -1.0, 1e-200, 3e-160, 1e150, 5e-324, 1 + 2**-52]
    scales = [0.01, 0.5, 3.2, 10.0, 30.0, 1e4]
    kept = 0
    for i in range(n):
        x = special[i] if i < len(special) else rng.uniform(-1, 1) * scales[i % len(scales)]
        sq = x**2
        if i < len(special) or sq != x * x or kept < keep:
            kept += sq == x * x
            print(bits(x), bits(sq))


if __name__ == "__main__":
    main()
