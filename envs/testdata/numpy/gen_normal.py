"""Record numpy's Generator.standard_normal for numpyrand's ziggurat test.

    python3 gen_normal.py > normal.txt

Each line is "seed v1 v2 ... vN next" for
Generator(PCG64(SeedSequence(seed))): N standard normals, then the
random() drawn after them, which pins the stream position.
"""
import numpy as np

for seed in (0, 1, 42, 123456789):
    g = np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed)))
    vals = g.standard_normal(1000)
    print(seed, " ".join(repr(float(v)) for v in vals), repr(float(g.random())))
