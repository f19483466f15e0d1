"""The PyTorch examples (examples/plugins/python) without arena: the student
is deterministic for a seed and learns, and the teacher acts as the arena
PPO checkpoint it was made from."""

import importlib.util
import json
import os
import sys
import unittest

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
EXAMPLES = os.path.join(HERE, "..", "..", "..", "examples", "plugins", "python")

import arena_plugin  # noqa: E402

try:
    import torch  # noqa: F401
except ImportError:
    torch = None


def example(name):
    spec = importlib.util.spec_from_file_location(name, os.path.join(EXAMPLES, name + ".py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


CARTPOLE = arena_plugin.EnvSpec(
    id="CartPole-v1",
    observation_space=arena_plugin.Box(np.array([-4.8, -np.inf, -0.42, -np.inf]), np.array([4.8, np.inf, 0.42, np.inf]), (4,)),
    action_space=arena_plugin.Discrete(2))


@unittest.skipIf(torch is None, "PyTorch is not installed")
class ExamplesTest(unittest.TestCase):
    def test_student_deterministic_and_learning(self):
        mod = example("torch_student")
        cfg = arena_plugin.StudentConfig(CARTPOLE.observation_space, CARTPOLE.action_space, seed=3,
                                         adam=arena_plugin.Adam(0.01, 0.9, 0.999, 1e-8, 0), params={"hidden": [16]})
        rng = np.random.default_rng(0)
        obs = rng.normal(size=(256, 4))
        labels = arena_plugin.Labels(actions=(obs[:, 2:3] > 0).astype(float))
        runs = []
        for _ in range(2):
            s = mod.TorchMLP(cfg)
            losses = [s.train(arena_plugin.Batch(obs, labels)) for _ in range(60)]
            runs.append((losses, s.act(obs), s.save()))
        self.assertEqual(runs[0][0], runs[1][0], "same seed, same losses")
        np.testing.assert_array_equal(runs[0][1], runs[1][1])
        self.assertLess(runs[0][0][-1], runs[0][0][0] / 2, "training lowers the loss")
        self.assertGreater(np.mean(runs[0][1] == labels.actions[:, 0]), 0.9)
        other = mod.TorchMLP(cfg)
        other.load(runs[0][2])
        np.testing.assert_array_equal(other.act(obs), runs[0][1])
        self.assertEqual(other.size(), arena_plugin.Size(params=4 * 16 + 16 + 16 * 2 + 2, hidden=16, edges=96))
        with self.assertRaises(ValueError):
            mod.TorchMLP(arena_plugin.StudentConfig(cfg.observation_space, cfg.action_space, 3, cfg.adam, {"hiden": [4]}))

    def test_teacher_acts_as_the_checkpoint(self):
        mod = example("torch_teacher")
        t = mod.TorchPolicy(CARTPOLE, "")
        with open(os.path.join(HERE, "..", "..", "..", "teachers", "checkpoints", "CartPole-v1.json")) as f:
            ck = json.load(f)
        obs = np.random.default_rng(1).normal(size=(500, 4))
        # The actor in numpy, from the checkpoint's flat parameters.
        flat, sizes, h, at = np.array(ck["actor"]), ck["actor_sizes"], obs, 0
        for i, (a, b) in enumerate(zip(sizes, sizes[1:])):
            w = flat[at:at + a * b].reshape(b, a)
            at += a * b
            h = h @ w.T + flat[at:at + b]
            at += b
            if i < len(sizes) - 2:
                h = np.tanh(h)
        np.testing.assert_array_equal(t.act(obs), h.argmax(axis=1))
        l = t.label(obs)
        np.testing.assert_allclose(l.probs.sum(axis=1), 1, rtol=1e-12)


if __name__ == "__main__":
    unittest.main()
