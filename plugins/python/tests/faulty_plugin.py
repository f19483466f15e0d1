#!/usr/bin/env python3
"""A plugin whose environment fails on purpose, for test_errors.py:
Faulty-v0 raises ValueError at its third step; teacher "zero" always pushes left."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.realpath(__file__)), ".."))

import numpy as np  # noqa: E402

import arena_plugin  # noqa: E402


class Faulty:
    observation_space = arena_plugin.Box(np.full(2, -1.0), np.full(2, 1.0), (2,))
    action_space = arena_plugin.Discrete(2)

    def reset(self, seed=None):
        self.t = 0
        return np.zeros(2), {}

    def step(self, action):
        self.t += 1
        if self.t == 3:
            raise ValueError("the pole fell off the cart")
        return np.zeros(2), 1.0, False, False, {}


class Zero:
    def act(self, obs):
        return np.zeros(len(obs))


if __name__ == "__main__":
    arena_plugin.serve(envs={"Faulty-v0": Faulty}, teachers={"zero": lambda spec, arg: Zero()}, name="faulty")
