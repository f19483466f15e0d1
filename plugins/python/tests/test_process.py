"""The SDK as arena runs it: a component's exception reaches the run's
error in one readable line, the plugin exits when its parent dies, and two
plugins never share a TCP port."""

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import unittest
import glob
import shutil

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))

import arena_plugin.server  # noqa: E402
from arena_plugin import handshake  # noqa: E402
from tests.test_bridge import arena_binary, plugin_env  # noqa: E402

MATCH = """
name = "faulty"
seeds = 1
baseline = "mlp"
[budget]
env_steps = 200
eval_every = 100
eval_episodes = 1
final_eval_episodes = 1
[distill]
envs = 1
round_steps = 100
[[plugin]]
name = "faulty"
path = "{path}"
[[env]]
id = "Faulty-v0"
teacher = "zero"
[[student]]
name = "mlp"
kind = "mlp"
hidden = [4]
"""


def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie is gone too.
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split()[2] != "Z"
    except OSError:
        return True


class ProcessTest(unittest.TestCase):
    def test_component_error_in_the_run_record(self):
        tmp = tempfile.mkdtemp(prefix="arena-faulty-")
        try:
            arena = arena_binary(tmp)
            match = os.path.join(tmp, "faulty.toml")
            with open(match, "w") as f:
                f.write(MATCH.format(path=os.path.join(HERE, "faulty_plugin.py")))
            p = subprocess.run([arena, "run", match, "--out", os.path.join(tmp, "out")], env=plugin_env(),
                               capture_output=True, text=True, timeout=300)
            records = glob.glob(os.path.join(tmp, "out", "runs", "*.json"))
            self.assertEqual(len(records), 1, p.stderr[-2000:])
            with open(records[0]) as f:
                r = json.load(f)
            self.assertEqual(r["status"], "failed")
            self.assertIn('plugin "faulty": Env.Step: ValueError: the pole fell off the cart', r["error"])
            with open(os.path.join(HERE, "faulty_plugin.py")) as f:
                line = next(i for i, l in enumerate(f, 1) if "raise ValueError" in l)
            # arena's log shows one line saying where it was raised, and no traceback.
            self.assertIn(f"Env.Step: ValueError: the pole fell off the cart (at faulty_plugin.py:{line} in step)",
                          p.stderr)
            self.assertNotIn("Traceback", p.stderr)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    def test_exits_when_parent_dies(self):
        """A parent starts the plugin and is killed; the plugin follows."""
        env = dict(os.environ, **{handshake.MAGIC_COOKIE_KEY: handshake.MAGIC_COOKIE_VALUE})
        env.pop("PLUGIN_CLIENT_CERT", None)
        parent = subprocess.Popen(
            [sys.executable, "-c",
             "import subprocess, sys, time\n"
             f"p = subprocess.Popen([sys.executable, {os.path.join(HERE, 'faulty_plugin.py')!r}], stdout=subprocess.PIPE)\n"
             "print(p.pid, flush=True)\n"
             "p.stdout.readline()\n"
             "print('ready', flush=True)\n"
             "time.sleep(600)\n"],
            stdout=subprocess.PIPE, text=True, env=env)
        try:
            child = int(parent.stdout.readline())
            self.assertEqual(parent.stdout.readline().strip(), "ready")
            self.assertTrue(alive(child))
            parent.send_signal(signal.SIGKILL)
            parent.wait()
            deadline = time.time() + 10
            while alive(child) and time.time() < deadline:
                time.sleep(0.1)
            self.assertFalse(alive(child), "the plugin outlived its parent")
        finally:
            if parent.poll() is None:
                parent.kill()
                parent.wait()
            parent.stdout.close()

    def test_tcp_ports_are_not_shared(self):
        env = {"ARENA_PLUGIN_TCP": "1", "PLUGIN_MIN_PORT": "0", "PLUGIN_MAX_PORT": "0"}
        servers = []
        try:
            # The same range for both: the second must not bind the first's port.
            import socket
            with socket.socket() as s:
                s.bind(("127.0.0.1", 0))
                port = s.getsockname()[1]
            env["PLUGIN_MIN_PORT"], env["PLUGIN_MAX_PORT"] = str(port), str(port + 50)
            addresses = []
            for _ in range(2):
                g = arena_plugin.server.grpc_server([])
                network, address, _ = handshake.listen(g, None, env)
                g.start()
                servers.append(g)
                self.assertEqual(network, "tcp")
                addresses.append(address)
            self.assertNotEqual(addresses[0], addresses[1])
        finally:
            for g in servers:
                g.stop(0)


if __name__ == "__main__":
    unittest.main()
