#!/usr/bin/env python3
"""An arena plugin serving a teacher that loads a saved PyTorch policy.

Teacher "torch-policy" (spec "torch-policy" or "torch-policy:FILE.pt", the
file relative to this script's folder; cartpole-ppo.pt by default) loads a
TorchScript module mapping observations to logits (Discrete action spaces)
or to the action mean (Box), with torch.jit.load. It acts greedily and
labels with the softmax probabilities, or with the mean and a small fixed
standard deviation."""

import os
import sys

HERE = os.path.dirname(os.path.realpath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "..", "plugins", "python"))  # arena_plugin from this checkout

import numpy as np  # noqa: E402

import arena_plugin  # noqa: E402

torch = nn = None


def _import_torch():
    """Imports PyTorch when the first component is made, not before serve():
    arena waits 20 s for a plugin's handshake, and importing torch on a busy
    machine can take longer."""
    global torch, nn
    if torch is None:
        import torch as t
        t.set_num_threads(1)  # arena runs one component per process, side by side
        torch, nn = t, t.nn


class TorchPolicy:
    def __init__(self, env: arena_plugin.EnvSpec, arg: str):
        _import_torch()
        path = os.path.join(HERE, arg or "cartpole-ppo.pt")
        self.net = torch.jit.load(path).double().eval()
        self.space = env.action_space
        probe = self.net(torch.zeros(1, env.observation_space.dim, dtype=torch.float64))
        want = self.space.n if isinstance(self.space, arena_plugin.Discrete) else self.space.dim
        if probe.shape[1] != want:
            raise ValueError(f"{path} outputs {probe.shape[1]} values, {env.id} needs {want}")

    def _out(self, obs: np.ndarray) -> np.ndarray:
        with torch.no_grad():
            return self.net(torch.from_numpy(obs)).numpy()

    def act(self, obs):
        return self.label(obs).actions

    def label(self, obs):
        out = self._out(obs)
        if isinstance(self.space, arena_plugin.Discrete):
            z = out - out.max(axis=1, keepdims=True)
            p = np.exp(z)
            p /= p.sum(axis=1, keepdims=True)
            return arena_plugin.Labels(actions=out.argmax(axis=1) + self.space.start, probs=p)
        mean = np.clip(out, self.space.low, self.space.high)
        return arena_plugin.Labels(actions=mean, mean=mean, std=np.full_like(mean, 0.1))


if __name__ == "__main__":
    arena_plugin.serve(teachers={"torch-policy": TorchPolicy}, name="torch-teacher", version="1.0.0")
