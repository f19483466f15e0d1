"""The Gymnasium bridge reproduces arena's own environments to the bit: the
same match run with the bridge's CartPole-v1, Acrobot-v1, MountainCar-v0,
MountainCarContinuous-v0 and Pendulum-v1 and with the built-ins gives the
same run records (all but the wall times and the match's digest, which
names the plugin).

Needs Gymnasium (skipped without it) and the arena binary: $ARENA, or built
with `go build` from this checkout."""

import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
MATCH = os.path.join(HERE, "bridge-equality.toml")

try:
    import gymnasium  # noqa: F401
except ImportError:
    gymnasium = None


def arena_binary(tmp):
    """$ARENA, or arena built from this checkout into tmp."""
    if os.environ.get("ARENA"):
        return os.environ["ARENA"]
    out = os.path.join(tmp, "arena")
    subprocess.run(["go", "build", "-o", out, "./cmd/arena"], cwd=REPO, check=True)
    return out


def plugin_env():
    """The environment a plugin needs: this Python first on PATH (the
    plugins' `#!/usr/bin/env python3` must find the one with the packages),
    and its sys.path, so a Gymnasium found through PYTHONPATH is found."""
    env = dict(os.environ)
    env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")
    env["PYTHONPATH"] = os.pathsep.join(p for p in sys.path if p)
    return env


def records(folder):
    out = {}
    for path in sorted(glob.glob(os.path.join(folder, "runs", "*.json"))):
        with open(path) as f:
            r = json.load(f)
        for k in ("wall_seconds", "timing_seconds", "match_digest"):
            r.pop(k, None)
        out[os.path.basename(path)] = r
    return out


@unittest.skipIf(gymnasium is None, "Gymnasium is not installed")
class BridgeEqualityTest(unittest.TestCase):
    def test_same_run_records_as_builtins(self):
        tmp = tempfile.mkdtemp(prefix="arena-bridge-")
        try:
            arena = arena_binary(tmp)
            with open(MATCH) as f:
                text = f.read()
            start, end = text.index("\n[[plugin]]"), text.index("\n[[env]]")
            self.assertIn("arena-gymnasium", text[start:end])
            builtin = os.path.join(tmp, "builtin.toml")
            with open(builtin, "w") as f:
                f.write(text[:start] + text[end:])
            results = {}
            for name, match in (("bridge", MATCH), ("builtin", builtin)):
                out = os.path.join(tmp, name)
                p = subprocess.run([arena, "run", match, "--out", out], env=plugin_env(),
                                   capture_output=True, text=True, timeout=600)
                self.assertEqual(p.returncode, 0, p.stderr[-3000:])
                # go-plugin logs no warnings (a missing health or stdio
                # service would be one) and no errors but the processes
                # the host kills when it closes, built-in ones alike.
                self.assertNotIn("[WARN]", p.stderr)
                errors = [l for l in p.stderr.splitlines()
                          if "[ERROR]" in l and 'plugin process exited' not in l]
                self.assertEqual(errors, [])
                results[name] = records(out)
            self.assertEqual(len(results["builtin"]), 10)
            self.assertEqual(sorted(results["bridge"]), sorted(results["builtin"]))
            for run, want in results["builtin"].items():
                self.assertEqual(want["status"], "ok", run)
                self.assertEqual(results["bridge"][run], want, run)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    unittest.main()
