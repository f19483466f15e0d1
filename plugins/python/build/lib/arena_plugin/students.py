"""arena's trained students outside arena: read the portable student format
and turn a saved MLP or SMGrNN into a torch.nn.Module that acts as arena
does.

    from arena_plugin import students
    policy = students.load("results/quick-…/students/CartPole-v1__smgrnn__s0.json")
    actions = policy.act(obs)            # numpy (n, obs_dim) -> (n, act_dim)
    logits = policy(torch.from_numpy(obs))   # the network's raw outputs

A match keeps each trained student in students/<run>.json (format
"arena-student" version 2); for arena's MLP and SMGrNN its base64 "state" is
a safetensors file (format "arena-portable-student") whose metadata holds the
topology as JSON and the SHA-256 of the tensors, documented in
framework/portable, agents/mlp/portable.go and agents/smgrnn/portable.go.
read_portable needs numpy only; load needs PyTorch too.
"""

from __future__ import annotations

import base64
import hashlib
import json
import struct
from typing import Dict, Tuple

import numpy as np

PORTABLE_FORMAT = "arena-portable-student"
MAX_FLOAT32 = float(np.finfo(np.float32).max)


class FormatError(ValueError):
    """The file is not a (sound) arena student."""


def _floats(values) -> np.ndarray:
    """spacejson's numbers: non-finite ones are the strings "inf", "-inf", "nan"."""
    return np.array([float(v) for v in values], dtype=np.float64)


def read_portable(data: bytes) -> Tuple[dict, Dict[str, np.ndarray]]:
    """The topology and tensors of a portable student (safetensors bytes),
    checked as arena checks them: every tensor float64 and inside the data,
    the data matching its SHA-256."""
    if len(data) < 8:
        raise FormatError("too short for a safetensors header")
    (n,) = struct.unpack("<Q", data[:8])
    if n > len(data) - 8:
        raise FormatError(f"header of {n} bytes in a file of {len(data)}")
    header = json.loads(data[8:8 + n])
    meta = header.pop("__metadata__", None) or {}
    if meta.get("format") != PORTABLE_FORMAT or meta.get("version") != "1":
        raise FormatError(f"not an {PORTABLE_FORMAT} version 1 (format {meta.get('format')!r})")
    body = data[8 + n:]
    if hashlib.sha256(body).hexdigest() != meta.get("sha256"):
        raise FormatError("checksum mismatch: the file is damaged")
    tensors = {}
    for name, e in header.items():
        begin, end = e["data_offsets"]
        count = int(np.prod(e["shape"], dtype=np.int64)) if e["shape"] else 1
        if e["dtype"] != "F64" or not 0 <= begin <= end <= len(body) or count * 8 != end - begin:
            raise FormatError(f"tensor {name}: dtype {e['dtype']}, shape {e['shape']} do not fit bytes [{begin}, {end})")
        tensors[name] = np.frombuffer(body[begin:end], dtype="<f8").reshape(e["shape"]).copy()
    return json.loads(meta["topology"]), tensors


def read(path: str) -> Tuple[dict, Dict[str, np.ndarray]]:
    """The topology and tensors of a student file: arena's students/<run>.json
    (its state checked against state_sha256) or a bare portable file."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:1] == b"{":
        doc = json.loads(data)
        if doc.get("format") != "arena-student":
            raise FormatError(f"{path} is not an arena student file")
        if doc.get("version") != 2 or doc.get("state_format") != PORTABLE_FORMAT:
            raise FormatError(f"{path}: version {doc.get('version')}, state {doc.get('state_format')!r}; "
                              f"only version 2 files of arena's MLP and SMGrNN hold the portable form")
        state = base64.b64decode(doc["state"])
        if hashlib.sha256(state).hexdigest() != doc.get("state_sha256"):
            raise FormatError(f"{path} is damaged: its state does not match its checksum")
        data = state
    return read_portable(data)


def _torch():
    import torch
    return torch


class _Head:
    """arena's observation scaling and action head (agents/obsscale,
    agents/head), from the spaces in the topology."""

    def __init__(self, topo: dict):
        torch = _torch()
        obs, act = topo["observation_space"], topo["action_space"]
        dim = int(np.prod(obs.get("shape") or [1])) if obs["type"] == "Box" else 1
        self.center, self.inv_half = np.zeros(dim), np.ones(dim)
        self.scale = bool(topo.get("scale_inputs")) and obs["type"] == "Box"
        if self.scale:
            for i, (lo, hi) in enumerate(zip(_floats(obs["low"]), _floats(obs["high"]))):
                if np.isinf(lo) or np.isinf(hi) or lo <= -MAX_FLOAT32 or hi >= MAX_FLOAT32 or not hi > lo:
                    continue
                self.center[i], self.inv_half[i] = (lo + hi) / 2, 2 / (hi - lo)
        self.discrete = act["type"] == "Discrete"
        if self.discrete:
            self.start = int(act.get("start", 0))
        else:
            lo, hi = _floats(act["low"]), _floats(act["high"])
            self.low, self.high = torch.from_numpy(lo), torch.from_numpy(hi)
            self.squash = torch.from_numpy((np.abs(lo) < MAX_FLOAT32) & (np.abs(hi) < MAX_FLOAT32))
            self.half = torch.from_numpy(np.where(self.squash.numpy(), (hi - lo) / 2, 0.0))

    def inputs(self, x):
        if not self.scale:
            return x
        torch = _torch()
        return (x - torch.from_numpy(self.center)) * torch.from_numpy(self.inv_half)

    def actions(self, z):
        torch = _torch()
        if self.discrete:
            # argmax returns the first of equal maxima, as arena's head does.
            return (torch.argmax(z, dim=1) + self.start).to(torch.float64).unsqueeze(1)
        squashed = torch.where(self.squash, self.low + (torch.tanh(z) + 1) * self.half, z)
        return torch.minimum(torch.maximum(squashed, self.low), self.high)


def _activation(name: str):
    torch = _torch()
    return {"tanh": torch.tanh, "relu": torch.relu, "sigmoid": torch.sigmoid}[name]


def _module_base():
    return _torch().nn.Module


def load(path: str):
    """A saved MLP or SMGrNN student as a torch.nn.Module (float64): calling
    it gives the network's raw outputs for (scaled) observations, and
    act(obs) the actions arena's student takes."""
    topo, tensors = read(path)
    kind = topo.get("kind")
    if kind == "mlp":
        return _mlp(topo, tensors)
    if kind == "smgrnn":
        return _smgrnn(topo, tensors)
    raise FormatError(f"{path}: a portable {kind!r} student; this loader knows mlp and smgrnn")


def _mlp(topo, tensors):
    torch = _torch()
    nn = torch.nn
    sizes, act = topo["sizes"], _activation(topo["activation"])
    head = _Head(topo)

    class ArenaMLP(nn.Module):
        def __init__(self):
            super().__init__()
            self.layers = nn.ModuleList()
            for l, (a, b) in enumerate(zip(sizes, sizes[1:])):
                lin = nn.Linear(a, b).double()
                with torch.no_grad():
                    lin.weight.copy_(torch.from_numpy(tensors[f"layers.{l}.weight"]))
                    lin.bias.copy_(torch.from_numpy(tensors[f"layers.{l}.bias"]))
                self.layers.append(lin)

        def forward(self, x):
            h = head.inputs(x)
            for l, lin in enumerate(self.layers):
                h = lin(h)
                if l < len(self.layers) - 1:
                    h = act(h)
            return h

        def act(self, obs):
            with torch.no_grad():
                return head.actions(self(torch.as_tensor(obs, dtype=torch.float64))).numpy()

    return ArenaMLP()


def _smgrnn(topo, tensors):
    torch = _torch()
    nn = torch.nn
    nin, nout = topo["inputs"], topo["outputs"]
    kinds = [k for _, k in topo["nodes"]]
    nn_nodes = len(kinds)
    act = _activation(topo["activation"])
    head = _Head(topo)
    incoming = [[] for _ in range(nn_nodes)]
    for e, (_, src, dst) in enumerate(topo["edges"]):
        if not 0 <= src < dst < nn_nodes:
            raise FormatError(f"edge {e} joins nodes {src} and {dst}: not in execution order")
        incoming[dst].append((e, src))

    class ArenaSMGrNN(nn.Module):
        """Nodes in execution order: inputs, hidden nodes, outputs. Each
        later node is its bias plus its weighted inputs, added one edge at a
        time in the saved order (as arena does, so the sums round alike);
        hidden nodes apply the activation."""

        def __init__(self):
            super().__init__()
            self.weight = nn.Parameter(torch.from_numpy(tensors["weight"]))
            self.bias = nn.Parameter(torch.from_numpy(tensors["bias"]))

        def forward(self, x):
            x = head.inputs(x)
            a = [x[:, i] for i in range(nin)]
            for j in range(nin, nn_nodes):
                s = self.bias[j - nin].expand(x.shape[0])
                for e, src in incoming[j]:
                    s = s + self.weight[e] * a[src]
                a.append(act(s) if kinds[j] == "hidden" else s)
            return torch.stack(a[nn_nodes - nout:], dim=1)

        def act(self, obs):
            with torch.no_grad():
                return head.actions(self(torch.as_tensor(obs, dtype=torch.float64))).numpy()

    return ArenaSMGrNN()
