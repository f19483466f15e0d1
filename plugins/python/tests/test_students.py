"""arena's saved students, loaded into PyTorch, act as arena does: the
fixtures in testdata are student files a Go test trained and saved, with
observations and the actions arena's loaded student takes on them
(cmd/arena's TestPortableFixtures checks they are current)."""

import base64
import glob
import json
import os
import sys
import tempfile
import unittest

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))

from arena_plugin import students  # noqa: E402

try:
    import torch
except ImportError:
    torch = None

DATA = os.path.join(HERE, "testdata")
CASES = sorted(p[:-len(".actions.json")] for p in glob.glob(os.path.join(DATA, "*.actions.json")))


class ReadTest(unittest.TestCase):
    def test_fixtures_exist(self):
        self.assertEqual([os.path.basename(c) for c in CASES],
                         ["mlp-cartpole", "mlp-pendulum", "smgrnn-cartpole", "smgrnn-mountaincarcontinuous"])

    def test_damage_is_refused(self):
        path = CASES[2] + ".json"
        with open(path) as f:
            doc = json.load(f)
        state = bytearray(base64.b64decode(doc["state"]))
        topo, tensors = students.read_portable(bytes(state))
        self.assertEqual(topo["kind"], "smgrnn")
        self.assertEqual(tensors["weight"].shape, (len(topo["edges"]),))
        for name, bad in [("data byte", lambda s: s.__setitem__(len(s) - 1, s[-1] ^ 1)),
                          ("truncated", lambda s: s.__delitem__(slice(len(s) - 8, None)))]:
            s = bytearray(state)
            bad(s)
            with self.assertRaises(students.FormatError, msg=name):
                students.read_portable(bytes(s))
        doc["state"] = base64.b64encode(bytes(state[:-1]) + bytes([state[-1] ^ 1])).decode()
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
            json.dump(doc, f)
        try:
            with self.assertRaises(students.FormatError):
                students.read(f.name)
        finally:
            os.remove(f.name)


@unittest.skipIf(torch is None, "PyTorch is not installed")
class LoadTest(unittest.TestCase):
    def test_same_actions_as_arena(self):
        for case in CASES:
            with self.subTest(case=os.path.basename(case)):
                with open(case + ".actions.json") as f:
                    fx = json.load(f)
                n = fx["n"]
                obs = np.array([float(v) for v in fx["obs"]]).reshape(n, -1)
                want = np.array([float(v) for v in fx["actions"]]).reshape(n, -1)
                policy = students.load(case + ".json")
                self.assertIsInstance(policy, torch.nn.Module)
                got = policy.act(obs)
                self.assertEqual(got.shape, want.shape)
                if "cartpole" in case:
                    # Discrete: the very same actions, and not all one action.
                    np.testing.assert_array_equal(got, want)
                    self.assertGreater(len(np.unique(want)), 1)
                else:
                    # Box: PyTorch's tanh may differ from Go's in the last bit.
                    np.testing.assert_allclose(got, want, rtol=0, atol=1e-13)
                    self.assertGreater(np.std(want), 1e-3)


if __name__ == "__main__":
    unittest.main()
