"""The arena.v1 services over Python components, and serve()."""

from __future__ import annotations

import datetime
import json
import logging
import os
import signal
import sys
import threading
import time
import traceback
from concurrent import futures
from typing import Callable, Dict, Mapping, Optional

import numpy as np

from . import arena_pb2 as pb
from . import handshake
from .types import (Adam, Batch, EnvSpec, InvalidArgument, Labels, NeedsReset, Size, StudentConfig,
                    env_spec_from_proto, env_spec_to_proto, labels_from_proto, labels_to_proto,
                    params_from_json, space_from_gym, space_from_proto, space_to_proto, Box, Discrete)

# PROTOCOL_MINOR is the minor version of arena.v1 this SDK speaks, reported
# by Describe (2 added Student.TrainBatches, 4 removed the streams). It
# serves the unary calls only: the host uses them when OpenChannel answers
# UNIMPLEMENTED.
PROTOCOL_MINOR = 4
# MAX_MESSAGE_BYTES is the host's gRPC message limit, which big batches and
# checkpoints need (gRPC's default is 4 MiB).
MAX_MESSAGE_BYTES = 256 << 20
# MAX_COPIES bounds a vector, so a bad request cannot exhaust memory.
MAX_COPIES = 1 << 16
DEBUG_ENV = "ARENA_PLUGIN_DEBUG"
REATTACH_ENV = "ARENA_REATTACH_PLUGINS"

_stderr = sys.__stderr__


class _HclogFormatter(logging.Formatter):
    """Formats records as hclog JSON lines, which the host logs under the
    plugin's name at their level and shows in its error messages."""

    levels = {logging.DEBUG: "debug", logging.INFO: "info", logging.WARNING: "warn", logging.ERROR: "error",
              logging.CRITICAL: "error"}

    def format(self, record: logging.LogRecord) -> str:
        line = {"@level": self.levels.get(record.levelno, "info"), "@message": record.getMessage(),
                "@module": record.name,
                "@timestamp": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="microseconds")}
        line.update(getattr(record, "fields", {}))
        return json.dumps(line)


def logger(name: str) -> logging.Logger:
    """A logger for plugin code: hclog JSON lines on stderr, which arena
    shows under the plugin's name at their level (pass key-value pairs as
    extra={"fields": {...}})."""
    log = logging.getLogger(name)
    if not any(getattr(h, "_arena", False) for h in log.handlers):
        h = logging.StreamHandler(_stderr)
        h.setFormatter(_HclogFormatter())
        h._arena = True
        log.addHandler(h)
        log.propagate = False
    log.setLevel(logging.DEBUG)
    return log


class _Abort(Exception):
    def __init__(self, code, message: str):
        super().__init__(message)
        self.code, self.message = code, message


def _not_found(what: str, handle: int) -> _Abort:
    import grpc
    return _Abort(grpc.StatusCode.NOT_FOUND, f"no open {what} with handle {handle}")


def _rows(values, n: int, dim: int, what: str) -> np.ndarray:
    if len(values) != n * dim:
        import grpc
        raise _Abort(grpc.StatusCode.INVALID_ARGUMENT,
                     f"batch of {n} {what} has {len(values)} values, want {n} × {dim}")
    return np.array(values, dtype=np.float64).reshape(n, dim)


def _flat(values, n: int, dim: int, what: str) -> list:
    a = np.asarray(values, dtype=np.float64)
    if a.size != n * dim:
        raise ValueError(f"{what} has {a.size} values for {n} rows of {dim}")
    return a.ravel().tolist()


def _to_action(space, row: np.ndarray, gym_space):
    """One action row as the environment wants it: an int for a Discrete, an
    array of the space's dtype (float32 for Gymnasium's Box) otherwise."""
    if isinstance(space, Discrete):
        v = row[0]
        if not float(v).is_integer():
            raise InvalidArgument(f"action {v} is not an integer of {space}")
        return int(v)
    dtype = getattr(gym_space, "dtype", None) or np.float32
    return np.asarray(row, dtype=dtype).reshape(space.shape)


class _EnvInstance:
    def __init__(self, envs, spec: EnvSpec, vector: bool):
        self.lock = threading.Lock()
        self.envs, self.spec, self.vector = envs, spec, vector
        self.obs_space, self.act_space = spec.observation_space, spec.action_space
        self.gym_act = getattr(envs[0], "action_space", None)
        self.obs_dim, self.act_dim = self.obs_space.dim, self.act_space.dim
        self.running = [False] * len(envs)

    def _obs(self, o) -> np.ndarray:
        a = np.asarray(o, dtype=np.float64).ravel()
        if a.size != self.obs_dim:
            raise ValueError(f"observation has {a.size} values, the observation space has {self.obs_dim}")
        return a

    def _reset(self, i: int, seed: Optional[int]) -> np.ndarray:
        out = self.envs[i].reset(seed=seed)
        obs = out[0] if isinstance(out, tuple) else out
        self.running[i] = True
        return self._obs(obs)

    def reset(self, seed: Optional[int]) -> list:
        rows = [self._reset(i, None if seed is None else seed + i) for i in range(len(self.envs))]
        return np.concatenate(rows).tolist()

    def step(self, actions) -> pb.EnvStepResponse:
        n = len(self.envs)
        acts = _rows(actions, n, self.act_dim, "actions")
        obs = np.empty((n, self.obs_dim))
        rewards, term, trunc = [0.0] * n, [False] * n, [False] * n
        final = None
        for i, env in enumerate(self.envs):
            if not self.running[i]:
                raise NeedsReset(f"{self.spec.id}: step before a reset" + ("" if self.vector else " or after the episode ended"))
            out = env.step(_to_action(self.act_space, acts[i], self.gym_act))
            if len(out) != 5:
                raise ValueError(f"{self.spec.id}: step returned {len(out)} values, Gymnasium's API has 5 "
                                 "(obs, reward, terminated, truncated, info)")
            o, r, te, tr = self._obs(out[0]), float(out[1]), bool(out[2]), bool(out[3])
            rewards[i], term[i], trunc[i] = r, te, tr
            if te or tr:
                self.running[i] = False
                if self.vector:
                    if final is None:
                        final = np.zeros((n, self.obs_dim))
                    final[i] = o
                    o = self._reset(i, None)
            obs[i] = o
        resp = pb.EnvStepResponse(obs=obs.ravel().tolist(), rewards=rewards, terminated=term, truncated=trunc)
        if final is not None:
            resp.final_obs.extend(final.ravel().tolist())
        return resp

    def close(self):
        for env in self.envs:
            close = getattr(env, "close", None)
            if close:
                close()


def _spec_of(env_id: str, env) -> EnvSpec:
    gs = getattr(env, "spec", None)
    return EnvSpec(id=env_id, observation_space=space_from_gym(env.observation_space),
                   action_space=space_from_gym(env.action_space),
                   max_episode_steps=int(getattr(gs, "max_episode_steps", None) or 0),
                   reward_threshold=getattr(gs, "reward_threshold", None))


class _Policy:
    def __init__(self, obj, obs_space, act_space):
        self.lock = threading.Lock()
        self.obj, self.obs_space, self.act_space = obj, obs_space, act_space
        self.obs_dim, self.act_dim = obs_space.dim, act_space.dim
        self.classes = act_space.n if isinstance(act_space, Discrete) else 0

    def act(self, req: pb.BatchRequest) -> pb.ActResponse:
        obs = _rows(req.obs, req.n, self.obs_dim, "observations")
        with self.lock:
            actions = self.obj.act(obs)
        return pb.ActResponse(actions=_flat(actions, req.n, self.act_dim, "act's result"))


class Server:
    """The arena.v1 services over a plugin's components. serve() runs it;
    tests may add its handlers to any grpc.Server (handlers())."""

    def __init__(self, name: str, version: str, envs: Mapping[str, Callable] = None,
                 teachers: Mapping[str, Callable] = None, students: Mapping[str, Callable] = None):
        self.name, self.version = name, version
        self.env_makers = dict(envs or {})
        self.teacher_makers = dict(teachers or {})
        self.student_makers = dict(students or {})
        self.log = logger(name)
        self._lock = threading.Lock()
        self._next = 0
        self._open: Dict[str, Dict[int, object]] = {"environment": {}, "teacher": {}, "student": {}}
        self.on_shutdown: Callable[[], None] = lambda: None
        # debug: running by hand (ARENA_PLUGIN_DEBUG=1), tracebacks printed whole.
        self.debug = False

    # ---- plumbing ----

    def _add(self, what: str, obj) -> int:
        with self._lock:
            self._next += 1
            self._open[what][self._next] = obj
            return self._next

    def _get(self, what: str, handle: int):
        with self._lock:
            obj = self._open[what].get(handle)
        if obj is None:
            raise _not_found(what, handle)
        return obj

    def _pop(self, what: str, handle: int):
        with self._lock:
            return self._open[what].pop(handle, None)

    def _status(self, call: str, e: BaseException):
        """The gRPC status for an exception raised by a call, logged as one
        error line naming the call and where it was raised (its traceback
        at debug level, which arena logs but keeps out of error messages)."""
        import grpc
        if isinstance(e, _Abort):
            return e.code, e.message
        if isinstance(e, NeedsReset):
            return grpc.StatusCode.FAILED_PRECONDITION, str(e) or "the environment needs a reset"
        if isinstance(e, InvalidArgument):
            return grpc.StatusCode.INVALID_ARGUMENT, str(e)
        msg = f"{type(e).__name__}: {e}"
        tb = traceback.extract_tb(e.__traceback__)
        where = f" (at {os.path.basename(tb[-1].filename)}:{tb[-1].lineno} in {tb[-1].name})" if tb else ""
        self.log.error(f"{call}: {msg}{where}")
        tb_text = "".join(traceback.format_exception(type(e), e, e.__traceback__))
        if self.debug:
            print(tb_text, file=_stderr, end="", flush=True)  # a terminal: the traceback as Python prints it
        else:
            self.log.debug(f"{call}: traceback", extra={"fields": {"traceback": tb_text}})
        return grpc.StatusCode.UNKNOWN, msg

    def handlers(self):
        """The generic gRPC handlers of every service the SDK serves. Calls
        not listed (OpenChannel, Render) answer UNIMPLEMENTED,
        which tells the host to use the unary calls, without a traceback."""
        import grpc

        def unary(call, fn, req_cls, resp_cls):
            def handle(req, context):
                try:
                    return fn(req)
                except Exception as e:  # noqa: BLE001 - every failure becomes the call's status
                    code, msg = self._status(call, e)
                context.abort(code, msg)
            return grpc.unary_unary_rpc_method_handler(handle, request_deserializer=req_cls.FromString,
                                                       response_serializer=resp_cls.SerializeToString)

        def service(name, methods):
            return grpc.method_handlers_generic_handler(name, {
                m: unary(f"{name.split('.')[-1]}.{m}", fn, rq, rs) for m, (fn, rq, rs) in methods.items()})

        raw = {"request_deserializer": None, "response_serializer": None}
        return [
            service("arena.v1.Plugin", {"Describe": (self.describe, pb.DescribeRequest, pb.DescribeResponse)}),
            service("arena.v1.Env", {
                "Open": (self.env_open, pb.EnvOpenRequest, pb.EnvOpenResponse),
                "Reset": (self.env_reset, pb.EnvResetRequest, pb.EnvResetResponse),
                "Step": (self.env_step, pb.EnvStepRequest, pb.EnvStepResponse),
                "Close": (self.env_close, pb.CloseRequest, pb.CloseResponse)}),
            service("arena.v1.Teacher", {
                "Open": (self.teacher_open, pb.TeacherOpenRequest, pb.TeacherOpenResponse),
                "Act": (self.teacher_act, pb.BatchRequest, pb.ActResponse),
                "Label": (self.teacher_label, pb.BatchRequest, pb.Labels),
                "Close": (self.teacher_close, pb.CloseRequest, pb.CloseResponse)}),
            service("arena.v1.Student", {
                "Open": (self.student_open, pb.StudentOpenRequest, pb.StudentOpenResponse),
                "Act": (self.student_act, pb.BatchRequest, pb.ActResponse),
                "Train": (self.student_train, pb.TrainRequest, pb.TrainResponse),
                "TrainBatches": (self.student_train_batches, pb.TrainBatchesRequest, pb.TrainBatchesResponse),
                "Size": (self.student_size, pb.SizeRequest, pb.SizeResponse),
                "Save": (self.student_save, pb.SaveRequest, pb.SaveResponse),
                "Load": (self.student_load, pb.LoadRequest, pb.LoadResponse),
                "Structure": (self.student_structure, pb.StructureRequest, pb.StructureResponse),
                "Close": (self.student_close, pb.CloseRequest, pb.CloseResponse)}),
            # go-plugin's own services: liveness, stdio (the SDK writes to the
            # real stderr, which the host reads, so the stream stays empty),
            # the broker (unused) and Shutdown.
            grpc.method_handlers_generic_handler("grpc.health.v1.Health", {
                "Check": grpc.unary_unary_rpc_method_handler(lambda req, ctx: b"\x08\x01", **raw)}),
            grpc.method_handlers_generic_handler("plugin.GRPCStdio", {
                "StreamStdio": grpc.unary_stream_rpc_method_handler(_hold_stream, **raw)}),
            grpc.method_handlers_generic_handler("plugin.GRPCBroker", {
                "StartStream": grpc.stream_stream_rpc_method_handler(_drain_stream, **raw)}),
            grpc.method_handlers_generic_handler("plugin.GRPCController", {
                "Shutdown": grpc.unary_unary_rpc_method_handler(self._shutdown, **raw)}),
        ]

    def _shutdown(self, req, context):
        threading.Thread(target=self.on_shutdown, daemon=True).start()
        return b""

    # ---- Plugin ----

    def describe(self, req):
        return pb.DescribeResponse(name=self.name, version=self.version, protocol_minor=PROTOCOL_MINOR,
                                   envs=sorted(self.env_makers), teachers=sorted(self.teacher_makers),
                                   students=sorted(self.student_makers))

    # ---- Env ----

    def env_open(self, req: pb.EnvOpenRequest):
        import grpc
        maker = self.env_makers.get(req.id)
        if maker is None:
            raise _Abort(grpc.StatusCode.NOT_FOUND,
                         f"unknown environment {req.id!r} (this plugin offers: {sorted(self.env_makers)})")
        n = 1
        if req.vector:
            if not 0 < req.num_envs <= MAX_COPIES:
                raise InvalidArgument(f"vector of {req.id} needs 1 to {MAX_COPIES} copies, got {req.num_envs}")
            n = req.num_envs
        envs = []
        try:
            for _ in range(n):
                envs.append(maker())
            spec = _spec_of(req.id, envs[0])
        except Exception:
            for e in envs:
                getattr(e, "close", lambda: None)()
            raise
        inst = _EnvInstance(envs, spec, req.vector)
        return pb.EnvOpenResponse(handle=self._add("environment", inst), spec=env_spec_to_proto(spec))

    def env_reset(self, req: pb.EnvResetRequest):
        inst = self._get("environment", req.handle)
        with inst.lock:
            return pb.EnvResetResponse(obs=inst.reset(req.seed if req.HasField("seed") else None))

    def env_step(self, req: pb.EnvStepRequest):
        inst = self._get("environment", req.handle)
        with inst.lock:
            return inst.step(req.actions)

    def env_close(self, req: pb.CloseRequest):
        inst = self._pop("environment", req.handle)
        if inst is not None:
            with inst.lock:
                inst.close()
        return pb.CloseResponse()

    # ---- Teacher ----

    def teacher_open(self, req: pb.TeacherOpenRequest):
        import grpc
        name, _, arg = req.spec.partition(":")
        maker = self.teacher_makers.get(name)
        if maker is None:
            raise _Abort(grpc.StatusCode.NOT_FOUND,
                         f"unknown teacher {name!r} (this plugin offers: {sorted(self.teacher_makers)})")
        env = env_spec_from_proto(req.env)
        t = maker(env, arg)
        spaces = getattr(t, "spaces", None)
        obs_space, act_space = (spaces() if callable(spaces) else spaces) or (env.observation_space, env.action_space)
        obs_space, act_space = space_from_gym(obs_space), space_from_gym(act_space)
        h = self._add("teacher", _Policy(t, obs_space, act_space))
        return pb.TeacherOpenResponse(handle=h, observation_space=space_to_proto(obs_space),
                                      action_space=space_to_proto(act_space))

    def teacher_act(self, req: pb.BatchRequest):
        return self._get("teacher", req.handle).act(req)

    def teacher_label(self, req: pb.BatchRequest):
        p = self._get("teacher", req.handle)
        obs = _rows(req.obs, req.n, p.obs_dim, "observations")
        with p.lock:
            label = getattr(p.obj, "label", None)
            l = label(obs) if label else Labels(actions=p.obj.act(obs))
        out = pb.Labels(actions=_flat(l.actions, req.n, p.act_dim, "label's actions"))
        if l.probs is not None:
            out.has_probs = True
            out.probs.extend(_flat(l.probs, req.n, p.classes, "label's probs"))
        if l.mean is not None:
            out.has_gaussian = True
            out.mean.extend(_flat(l.mean, req.n, p.act_dim, "label's mean"))
            out.std.extend(_flat(l.std, req.n, p.act_dim, "label's std"))
        return out

    def teacher_close(self, req: pb.CloseRequest):
        self._pop("teacher", req.handle)
        return pb.CloseResponse()

    # ---- Student ----

    def student_open(self, req: pb.StudentOpenRequest):
        import grpc
        maker = self.student_makers.get(req.kind)
        if maker is None:
            raise _Abort(grpc.StatusCode.NOT_FOUND,
                         f"unknown student kind {req.kind!r} (this plugin offers: {sorted(self.student_makers)})")
        a = req.adam
        cfg = StudentConfig(observation_space=space_from_proto(req.observation_space),
                            action_space=space_from_proto(req.action_space), seed=int(req.seed),
                            adam=Adam(a.learning_rate, a.beta1, a.beta2, a.epsilon, a.grad_clip),
                            params=params_from_json(req.params_json))
        s = maker(cfg)
        structural = callable(getattr(s, "structure", None))
        h = self._add("student", _Policy(s, cfg.observation_space, cfg.action_space))
        return pb.StudentOpenResponse(handle=h, structural=structural)

    def student_act(self, req: pb.BatchRequest):
        return self._get("student", req.handle).act(req)

    @staticmethod
    def _size(p: _Policy) -> pb.Size:
        s = p.obj.size()
        if isinstance(s, int):
            s = Size(s)
        return pb.Size(params=int(s.params), hidden=int(s.hidden), edges=int(s.edges))

    @staticmethod
    def _train(p: _Policy, b: pb.TrainRequest) -> float:
        obs = _rows(b.obs, b.n, p.obs_dim, "observations")
        if len(b.labels.actions) != b.n * p.act_dim:
            raise InvalidArgument(f"minibatch of {b.n} has {len(b.labels.actions)} action labels, "
                                  f"want {b.n} × {p.act_dim}")
        labels = labels_from_proto(b.labels, b.n, p.act_dim, p.classes)
        return float(p.obj.train(Batch(obs=obs, labels=labels)))

    def student_train(self, req: pb.TrainRequest):
        p = self._get("student", req.handle)
        with p.lock:
            loss = self._train(p, req)
            return pb.TrainResponse(loss=loss, size=self._size(p))

    def student_train_batches(self, req: pb.TrainBatchesRequest):
        p = self._get("student", req.handle)
        resp = pb.TrainBatchesResponse()
        with p.lock:
            for b in req.batches:
                try:
                    resp.losses.append(self._train(p, b))
                except Exception as e:  # noqa: BLE001 - the failed minibatch's status goes in the reply
                    code, msg = self._status("Student.TrainBatches", e)
                    resp.error_code, resp.error_message = code.value[0], msg
                    break
            resp.size.CopyFrom(self._size(p))
        return resp

    def student_size(self, req: pb.SizeRequest):
        p = self._get("student", req.handle)
        with p.lock:
            return pb.SizeResponse(size=self._size(p))

    def student_save(self, req: pb.SaveRequest):
        p = self._get("student", req.handle)
        with p.lock:
            return pb.SaveResponse(checkpoint=bytes(p.obj.save()))

    def student_load(self, req: pb.LoadRequest):
        p = self._get("student", req.handle)
        with p.lock:
            p.obj.load(bytes(req.checkpoint))
        return pb.LoadResponse()

    def student_structure(self, req: pb.StructureRequest):
        import grpc
        p = self._get("student", req.handle)
        structure = getattr(p.obj, "structure", None)
        if not callable(structure):
            raise _Abort(grpc.StatusCode.UNIMPLEMENTED, "this student's structure does not change")
        with p.lock:
            events, dot = structure()
        return pb.StructureResponse(events={k: int(v) for k, v in events.items()}, dot=dot)

    def student_close(self, req: pb.CloseRequest):
        self._pop("student", req.handle)
        return pb.CloseResponse()


def _hold_stream(req, context):
    done = threading.Event()
    context.add_callback(done.set)
    done.wait()
    return iter(())


def _drain_stream(requests, context):
    for _ in requests:
        pass
    return iter(())


def _watch_parent(log: logging.Logger, every: float = 1.0):
    """Ends the process when the process that started it is gone (its parent
    changes), so a host killed by SIGKILL leaves no plugin behind."""
    ppid = os.getppid()

    def watch():
        while True:
            time.sleep(every)
            if os.getppid() != ppid:
                log.error("host process is gone, exiting")
                os._exit(1)
    threading.Thread(target=watch, name="arena-parent-watch", daemon=True).start()


def grpc_server(handlers):
    """A gRPC server for a plugin: arena's message limits, and SO_REUSEPORT
    off (gRPC Python's default is on, which lets two plugins bind one TCP
    port and receive each other's calls)."""
    import grpc

    options = [("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),
               ("grpc.max_send_message_length", MAX_MESSAGE_BYTES), ("grpc.so_reuseport", 0)]
    # Two threads hold go-plugin's stdio and broker streams; the host calls
    # each component one call at a time.
    return grpc.server(futures.ThreadPoolExecutor(max_workers=16), handlers=handlers, options=options)


def serve(envs: Optional[Mapping[str, Callable]] = None, teachers: Optional[Mapping[str, Callable]] = None,
          students: Optional[Mapping[str, Callable]] = None, name: Optional[str] = None, version: str = "0.0.0"):
    """Serves the components until the host ends the plugin; never returns.

    envs maps an environment ID to a callable making one copy with
    Gymnasium's API (reset(seed=...), step(action), observation_space,
    action_space), e.g. {"CartPole-v1": lambda: gymnasium.make("CartPole-v1")};
    vector copies are made by calling it again. teachers maps a teacher name
    to a callable (env_spec, arg) -> teacher; students maps a student kind to
    a callable (StudentConfig) -> student. See PLUGINS.md for what each must
    provide. Nothing may be printed on stdout before serve() runs."""
    import grpc

    name = name or os.path.splitext(os.path.basename(sys.argv[0]))[0] or "python-plugin"
    debug = os.environ.get(DEBUG_ENV) == "1"
    root = logging.getLogger()
    if not root.handlers:
        h = logging.StreamHandler(_stderr)
        h.setFormatter(_HclogFormatter())
        root.addHandler(h)
        root.setLevel(logging.WARNING)
    try:
        if not debug:
            handshake.check_cookie()
            handshake.check_versions()
    except handshake.HandshakeError as e:
        print(e, file=sys.stderr)
        sys.exit(1)
    srv = Server(name, version, envs, teachers, students)
    srv.debug = debug
    g = grpc_server(srv.handlers())
    client_cert = os.environ.get("PLUGIN_CLIENT_CERT", "")
    creds, cert_field = (None, "")
    if client_cert and not debug:
        creds, cert_field = handshake.server_credentials(client_cert)
    try:
        network, address, cleanup = handshake.listen(g, creds)
    except handshake.HandshakeError as e:
        srv.log.error(str(e))
        sys.exit(1)
    g.start()
    stopped = threading.Event()

    def stop():
        g.stop(0.2).wait()
        stopped.set()
    srv.on_shutdown = stop
    if debug:
        reattach = {name: {"protocol": "grpc", "protocol_version": handshake.PROTOCOL_MAJOR, "pid": os.getpid(),
                           "network": network, "address": address}}
        print(f"arena plugin {name!r} is running in debug mode; point arena at it with:\n\n"
              f"\t{REATTACH_ENV}='{json.dumps(reattach)}'\n\nStop it with Ctrl-C.", file=sys.stderr, flush=True)
        try:
            stopped.wait()
        except KeyboardInterrupt:
            pass
        cleanup()
        os._exit(0)
    # The terminal's Ctrl-C reaches the plugin too; the host ends it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, lambda *_: (cleanup(), os._exit(0)))
    _watch_parent(srv.log)
    handshake.announce(handshake.handshake_line(network, address, cert_field))
    while not stopped.wait(1.0):
        pass
    cleanup()
    os._exit(0)
