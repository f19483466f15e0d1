"""Tests of the SDK's services, handshake and mTLS, without arena."""

import base64
import os
import subprocess
import sys
import tempfile
import threading
import unittest
from concurrent import futures

import grpc
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))

import arena_plugin  # noqa: E402
from arena_plugin import arena_pb2 as pb  # noqa: E402
from arena_plugin import handshake  # noqa: E402


class Counter:
    """A tiny deterministic environment: the observation is [t, seed]; the
    reward is the action; the episode ends after `length` steps."""

    def __init__(self, length=3):
        self.length = length
        self.observation_space = arena_plugin.Box(np.zeros(2), np.full(2, 100.0), (2,))
        self.action_space = arena_plugin.Discrete(4)
        self.seed, self.t = 0, 0

    def reset(self, seed=None):
        if seed is not None:
            self.seed = seed
        else:
            self.seed += 1000
        self.t = 0
        return np.array([self.t, self.seed], dtype=np.float32), {}

    def step(self, action):
        if action == 3:
            raise ValueError("three is not allowed")
        self.t += 1
        return np.array([self.t, self.seed], dtype=np.float32), float(action), self.t >= self.length, False, {}


class Echo:
    """A teacher that acts with the first observation value, mod 2."""

    def act(self, obs):
        return obs[:, 0] % 2

    def label(self, obs):
        a = obs[:, 0] % 2
        return arena_plugin.Labels(actions=a, probs=np.stack([1 - a, a], axis=1))


class Mean:
    """A student whose only parameter is a running mean of its labels."""

    def __init__(self, cfg):
        self.cfg, self.m, self.steps = cfg, 0.0, 0

    def act(self, obs):
        return np.full(len(obs), round(self.m))

    def train(self, batch):
        if np.isnan(batch.obs).any():
            raise RuntimeError("nan observation")
        loss = float(np.mean((batch.labels.actions[:, 0] - self.m) ** 2))
        self.m += 0.5 * (np.mean(batch.labels.actions) - self.m)
        self.steps += 1
        return loss

    def size(self):
        return arena_plugin.Size(params=1)

    def save(self):
        return repr(self.m).encode()

    def load(self, data):
        self.m = float(data.decode())


class ServicesTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.srv = arena_plugin.Server("test", "1.2.3", envs={"Counter-v0": Counter},
                                      teachers={"echo": lambda spec, arg: Echo()}, students={"mean": Mean})
        cls.srv.log.disabled = True
        cls.dir = tempfile.mkdtemp()
        cls.g = grpc.server(futures.ThreadPoolExecutor(4), handlers=cls.srv.handlers())
        addr = "unix:" + os.path.join(cls.dir, "s")
        cls.g.add_insecure_port(addr)
        cls.g.start()
        cls.ch = grpc.insecure_channel(addr)

    @classmethod
    def tearDownClass(cls):
        cls.ch.close()
        cls.g.stop(0)

    def call(self, method, req, resp_cls):
        return self.ch.unary_unary(method, request_serializer=lambda m: m.SerializeToString(),
                                   response_deserializer=resp_cls.FromString)(req, timeout=10)

    def code(self, method, req, resp_cls):
        with self.assertRaises(grpc.RpcError) as cm:
            self.call(method, req, resp_cls)
        return cm.exception.code(), cm.exception.details()

    def test_describe(self):
        d = self.call("/arena.v1.Plugin/Describe", pb.DescribeRequest(), pb.DescribeResponse)
        self.assertEqual((d.name, d.version, d.protocol_minor), ("test", "1.2.3", arena_plugin.PROTOCOL_MINOR))
        self.assertEqual((list(d.envs), list(d.teachers), list(d.students)), (["Counter-v0"], ["echo"], ["mean"]))

    def test_single_env(self):
        o = self.call("/arena.v1.Env/Open", pb.EnvOpenRequest(id="Counter-v0"), pb.EnvOpenResponse)
        self.assertEqual(list(o.spec.observation_space.box.high), [100.0, 100.0])
        self.assertEqual(o.spec.action_space.discrete.n, 4)
        h = o.handle
        self.assertEqual(self.code("/arena.v1.Env/Step", pb.EnvStepRequest(handle=h, actions=[1]), pb.EnvStepResponse)[0],
                         grpc.StatusCode.FAILED_PRECONDITION, "step before reset")
        r = self.call("/arena.v1.Env/Reset", pb.EnvResetRequest(handle=h, seed=7), pb.EnvResetResponse)
        self.assertEqual(list(r.obs), [0, 7])
        for t in (1, 2, 3):
            s = self.call("/arena.v1.Env/Step", pb.EnvStepRequest(handle=h, actions=[2]), pb.EnvStepResponse)
            self.assertEqual((list(s.obs), list(s.rewards), list(s.terminated)), ([t, 7], [2.0], [t == 3]))
        self.assertEqual(self.code("/arena.v1.Env/Step", pb.EnvStepRequest(handle=h, actions=[1]), pb.EnvStepResponse)[0],
                         grpc.StatusCode.FAILED_PRECONDITION, "step after the end")
        r = self.call("/arena.v1.Env/Reset", pb.EnvResetRequest(handle=h), pb.EnvResetResponse)
        self.assertEqual(list(r.obs), [0, 1007], "reset without a seed continues")
        self.call("/arena.v1.Env/Close", pb.CloseRequest(handle=h), pb.CloseResponse)
        self.call("/arena.v1.Env/Close", pb.CloseRequest(handle=h), pb.CloseResponse)  # twice is fine
        self.assertEqual(self.code("/arena.v1.Env/Reset", pb.EnvResetRequest(handle=h), pb.EnvResetResponse)[0],
                         grpc.StatusCode.NOT_FOUND)

    def test_vector_env(self):
        h = self.call("/arena.v1.Env/Open", pb.EnvOpenRequest(id="Counter-v0", vector=True, num_envs=2),
                      pb.EnvOpenResponse).handle
        r = self.call("/arena.v1.Env/Reset", pb.EnvResetRequest(handle=h, seed=5), pb.EnvResetResponse)
        self.assertEqual(list(r.obs), [0, 5, 0, 6], "copy i is reset with seed+i")
        for t in (1, 2):
            s = self.call("/arena.v1.Env/Step", pb.EnvStepRequest(handle=h, actions=[0, 1]), pb.EnvStepResponse)
            self.assertEqual(list(s.obs), [t, 5, t, 6])
            self.assertEqual(len(s.final_obs), 0, "no final observations while no episode ends")
        s = self.call("/arena.v1.Env/Step", pb.EnvStepRequest(handle=h, actions=[0, 1]), pb.EnvStepResponse)
        self.assertEqual(list(s.terminated), [True, True])
        self.assertEqual(list(s.obs), [0, 1005, 0, 1006], "ended copies are reset at once, continuing their streams")
        self.assertEqual(list(s.final_obs), [3, 5, 3, 6])
        code, msg = self.code("/arena.v1.Env/Step", pb.EnvStepRequest(handle=h, actions=[0]), pb.EnvStepResponse)
        self.assertEqual(code, grpc.StatusCode.INVALID_ARGUMENT, msg)
        self.assertEqual(self.code("/arena.v1.Env/Open", pb.EnvOpenRequest(id="Counter-v0", vector=True),
                                   pb.EnvOpenResponse)[0], grpc.StatusCode.INVALID_ARGUMENT)

    def test_component_error_is_unknown_with_its_message(self):
        h = self.call("/arena.v1.Env/Open", pb.EnvOpenRequest(id="Counter-v0"), pb.EnvOpenResponse).handle
        self.call("/arena.v1.Env/Reset", pb.EnvResetRequest(handle=h, seed=1), pb.EnvResetResponse)
        code, msg = self.code("/arena.v1.Env/Step", pb.EnvStepRequest(handle=h, actions=[3]), pb.EnvStepResponse)
        self.assertEqual((code, msg), (grpc.StatusCode.UNKNOWN, "ValueError: three is not allowed"))
        code, msg = self.code("/arena.v1.Env/Step", pb.EnvStepRequest(handle=h, actions=[1.5]), pb.EnvStepResponse)
        self.assertEqual(code, grpc.StatusCode.INVALID_ARGUMENT, msg)

    def test_unknown_component_and_unserved_calls(self):
        self.assertEqual(self.code("/arena.v1.Env/Open", pb.EnvOpenRequest(id="Nope-v0"), pb.EnvOpenResponse)[0],
                         grpc.StatusCode.NOT_FOUND)
        self.assertEqual(self.code("/arena.v1.Plugin/OpenChannel", pb.ChannelRequest(), pb.ChannelResponse)[0],
                         grpc.StatusCode.UNIMPLEMENTED)

    def test_teacher(self):
        spec = pb.EnvSpec(id="Counter-v0", observation_space=pb.Space(box=pb.Box(low=[0, 0], high=[9, 9], shape=[2])),
                          action_space=pb.Space(discrete=pb.Discrete(n=2)))
        o = self.call("/arena.v1.Teacher/Open", pb.TeacherOpenRequest(spec="echo:arg", env=spec), pb.TeacherOpenResponse)
        a = self.call("/arena.v1.Teacher/Act", pb.BatchRequest(handle=o.handle, obs=[1, 0, 2, 0, 3, 0], n=3), pb.ActResponse)
        self.assertEqual(list(a.actions), [1, 0, 1])
        l = self.call("/arena.v1.Teacher/Label", pb.BatchRequest(handle=o.handle, obs=[1, 0, 2, 0], n=2), pb.Labels)
        self.assertTrue(l.has_probs)
        self.assertEqual(list(l.probs), [0, 1, 1, 0])
        code, _ = self.code("/arena.v1.Teacher/Act", pb.BatchRequest(handle=o.handle, obs=[1, 0, 2], n=2), pb.ActResponse)
        self.assertEqual(code, grpc.StatusCode.INVALID_ARGUMENT)

    def test_student(self):
        req = pb.StudentOpenRequest(kind="mean", observation_space=pb.Space(box=pb.Box(low=[0], high=[1], shape=[1])),
                                    action_space=pb.Space(discrete=pb.Discrete(n=2)), seed=3,
                                    params_json='{"hidden": [4, 5], "rate": 0.5}')
        h = self.call("/arena.v1.Student/Open", req, pb.StudentOpenResponse).handle
        batch = pb.TrainRequest(obs=[0, 0], n=2, labels=pb.Labels(actions=[1, 1]))
        bad = pb.TrainRequest(obs=[float("nan")], n=1, labels=pb.Labels(actions=[1]))
        r = self.call("/arena.v1.Student/TrainBatches",
                      pb.TrainBatchesRequest(handle=h, batches=[batch, batch, bad, batch]), pb.TrainBatchesResponse)
        self.assertEqual(list(r.losses), [1.0, 0.25], "stops at the failing minibatch")
        self.assertEqual((r.error_code, r.error_message), (grpc.StatusCode.UNKNOWN.value[0], "RuntimeError: nan observation"))
        self.assertEqual(r.size.params, 1)
        saved = self.call("/arena.v1.Student/Save", pb.SaveRequest(handle=h), pb.SaveResponse).checkpoint
        h2 = self.call("/arena.v1.Student/Open", req, pb.StudentOpenResponse).handle
        self.call("/arena.v1.Student/Load", pb.LoadRequest(handle=h2, checkpoint=saved), pb.LoadResponse)
        a = self.call("/arena.v1.Student/Act", pb.BatchRequest(handle=h2, obs=[0.5], n=1), pb.ActResponse)
        self.assertEqual(list(a.actions), [1.0])
        self.assertEqual(self.code("/arena.v1.Student/Structure", pb.StructureRequest(handle=h), pb.StructureResponse)[0],
                         grpc.StatusCode.UNIMPLEMENTED)


class HandshakeTest(unittest.TestCase):
    def test_line(self):
        self.assertEqual(handshake.handshake_line("unix", "/tmp/x", "QUJD"), "1|1|unix|/tmp/x|grpc|QUJD")
        self.assertEqual(handshake.handshake_line("tcp", "127.0.0.1:1", ""), "1|1|tcp|127.0.0.1:1|grpc")

    def test_cookie_and_versions(self):
        with self.assertRaises(handshake.HandshakeError):
            handshake.check_cookie({})
        handshake.check_cookie({handshake.MAGIC_COOKIE_KEY: handshake.MAGIC_COOKIE_VALUE})
        handshake.check_versions({"PLUGIN_PROTOCOL_VERSIONS": "1"})
        with self.assertRaises(handshake.HandshakeError):
            handshake.check_versions({"PLUGIN_PROTOCOL_VERSIONS": "2,3"})

    def test_plugin_refuses_to_run_by_hand(self):
        env = {k: v for k, v in os.environ.items() if k != handshake.MAGIC_COOKIE_KEY}
        p = subprocess.run([sys.executable, "-c", "import arena_plugin; arena_plugin.serve(envs={})"],
                           cwd=os.path.join(HERE, ".."), env=env, capture_output=True, text=True, timeout=60)
        self.assertNotEqual(p.returncode, 0)
        self.assertEqual(p.stdout, "")
        self.assertIn("arena plugin", p.stderr)

    def test_mutual_tls(self):
        """A client holding the host's certificate gets through; one with
        another certificate does not."""
        from cryptography.hazmat.primitives import serialization

        from cryptography import x509
        from cryptography.hazmat.primitives.asymmetric import ec
        import datetime
        from cryptography.hazmat.primitives import hashes
        from cryptography.x509.oid import NameOID

        def make_cert():
            key = ec.generate_private_key(ec.SECP256R1())
            name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
            now = datetime.datetime.now(datetime.timezone.utc)
            cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
                    .serial_number(1).not_valid_before(now - datetime.timedelta(minutes=1))
                    .not_valid_after(now + datetime.timedelta(days=1))
                    .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
                    .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
                    .sign(key, hashes.SHA256()))
            return (cert.public_bytes(serialization.Encoding.PEM),
                    key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                      serialization.NoEncryption()))

        host_cert, host_key = make_cert()
        other_cert, other_key = make_cert()
        creds, field = handshake.server_credentials(host_cert.decode())
        der = base64.b64decode(field + "=" * (-len(field) % 4))
        server_pem = x509.load_der_x509_certificate(der).public_bytes(serialization.Encoding.PEM)
        srv = arena_plugin.Server("tls", "0")
        g = grpc.server(futures.ThreadPoolExecutor(2), handlers=srv.handlers())
        folder = tempfile.mkdtemp()
        network, address, cleanup = handshake.listen(g, creds, {"PLUGIN_UNIX_SOCKET_DIR": folder})
        self.assertEqual(network, "unix")
        g.start()
        try:
            def describe(cert, key):
                ch = grpc.secure_channel("unix:" + address, grpc.ssl_channel_credentials(server_pem, key, cert),
                                         options=[("grpc.ssl_target_name_override", "localhost")])
                try:
                    return ch.unary_unary("/arena.v1.Plugin/Describe", request_serializer=lambda m: m.SerializeToString(),
                                          response_deserializer=pb.DescribeResponse.FromString)(pb.DescribeRequest(), timeout=10)
                finally:
                    ch.close()
            self.assertEqual(describe(host_cert, host_key).name, "tls")
            with self.assertRaises(grpc.RpcError):
                describe(other_cert, other_key)
        finally:
            g.stop(0)
            cleanup()
        self.assertFalse(os.path.exists(address), "the socket is removed")


if __name__ == "__main__":
    unittest.main()
