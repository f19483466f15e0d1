import json, sys
import numpy as np
from gymnasium.envs.box2d import lunar_lander as ll, bipedal_walker as bw
out = {"lunar": [], "walker": []}
for seed in [0, 1, 42, 1000000000]:
    env = ll.LunarLander()
    # reset up to the final step: replicate by calling reset with step stubbed
    env.step = lambda a: (np.zeros(8), 0, False, False, {})
    env.reset(seed=seed)
    heights = [list(map(float, p[0])) + list(map(float, p[1])) for p in env.sky_polys]
    forces = [c[1] for c in env.world.calls if c[0] == 'force']
    nxt = float(env.np_random.uniform(-1, 1))  # the first dispersion draw of the reset's step
    out["lunar"].append({"seed": seed, "edges": heights, "force": forces[0], "helipad": [env.helipad_x1, env.helipad_x2, env.helipad_y], "next_uniform": nxt})
    w = bw.BipedalWalker()
    w.step = lambda a: (np.zeros(24), 0, False, False, {})
    w.reset(seed=seed)
    forces = [c[1] for c in w.world.calls if c[0] == 'force']
    out["walker"].append({"seed": seed, "terrain_x": list(map(float, w.terrain_x)), "terrain_y": list(map(float, w.terrain_y)),
        "clouds": [[list(map(float, p)) for p in poly] for poly, x1, x2 in w.cloud_poly], "force": forces[0],
        "next_uniform": float(w.np_random.uniform(-1, 1))})
json.dump(out, sys.stdout, indent=1)
