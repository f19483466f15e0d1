"""Record the reset noise of Gymnasium 1.4's MuJoCo v5 envs, drawn by numpy.

    python3 gen_noise.py > noise.json

Each env's reset_model is restated below with its draws in Gymnasium's
order (the MuJoCo part is not needed: only the noise added to init_qpos
and init_qvel, given here as zeros except Ant's free joint). numpy's
Generator(PCG64(SeedSequence(seed))) is what reset(seed=seed) builds.
"""
import json

import numpy as np

SIZES = {  # nq, nv
    "InvertedPendulum-v5": (2, 2),
    "InvertedDoublePendulum-v5": (3, 3),
    "Reacher-v5": (4, 4),
    "Swimmer-v5": (5, 5),
    "Hopper-v5": (6, 6),
    "HalfCheetah-v5": (9, 9),
    "Walker2d-v5": (9, 9),
    "Ant-v5": (15, 14),
}


def init(env):
    nq, nv = SIZES[env]
    qpos = np.zeros(nq)
    if env == "Ant-v5":
        qpos[2], qpos[3] = 0.75, 1.0
    return qpos, np.zeros(nv)


def reset(env, seed):
    g = np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed)))
    q0, v0 = init(env)
    nq, nv = len(q0), len(v0)
    if env == "InvertedPendulum-v5":
        s = 0.01
        return q0 + g.uniform(size=nq, low=-s, high=s), v0 + g.uniform(size=nv, low=-s, high=s)
    if env == "InvertedDoublePendulum-v5":
        s = 0.1
        return q0 + g.uniform(low=-s, high=s, size=nq), v0 + g.standard_normal(nv) * s
    if env == "Reacher-v5":
        qpos = g.uniform(low=-0.1, high=0.1, size=nq) + q0
        while True:
            goal = g.uniform(low=-0.2, high=0.2, size=2)
            if np.linalg.norm(goal) < 0.2:
                break
        qpos[-2:] = goal
        qvel = v0 + g.uniform(low=-0.005, high=0.005, size=nv)
        qvel[-2:] = 0
        return qpos, qvel
    s = {"Swimmer-v5": 0.1, "Hopper-v5": 5e-3, "Walker2d-v5": 5e-3, "HalfCheetah-v5": 0.1, "Ant-v5": 0.1}[env]
    qpos = q0 + g.uniform(low=-s, high=s, size=nq)
    if env in ("HalfCheetah-v5", "Ant-v5"):
        return qpos, v0 + s * g.standard_normal(nv)
    return qpos, v0 + g.uniform(low=-s, high=s, size=nv)


out = []
for env in SIZES:
    for seed in (0, 7, 123):
        q, v = reset(env, seed)
        out.append({"env": env, "seed": seed, "qpos0": list(init(env)[0]), "qpos": list(q), "qvel": list(v)})
print(json.dumps(out, indent=1))
