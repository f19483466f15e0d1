"""Plain values that cross the arena.v1 protocol: spaces, specs, labels."""

from __future__ import annotations

import dataclasses
import json
from typing import Any, Optional

import numpy as np

from . import arena_pb2 as pb


class NeedsReset(Exception):
    """Raised by an environment stepped before a reset or after its episode
    ended (arena's framework.ErrNeedsReset; FAILED_PRECONDITION on the wire)."""


class InvalidArgument(Exception):
    """Raised for a bad request (INVALID_ARGUMENT on the wire)."""


@dataclasses.dataclass(frozen=True)
class Box:
    """gymnasium.spaces.Box: float32 bounds, any shape; actions are rows of
    prod(shape) values."""

    low: np.ndarray
    high: np.ndarray
    shape: tuple

    @property
    def dim(self) -> int:
        return int(np.prod(self.shape)) if self.shape else 1


@dataclasses.dataclass(frozen=True)
class Discrete:
    """gymnasium.spaces.Discrete: {start, ..., start+n-1}; an action is one
    value holding the integer."""

    n: int
    start: int = 0

    @property
    def dim(self) -> int:
        return 1


Space = Any  # Box | Discrete


@dataclasses.dataclass(frozen=True)
class EnvSpec:
    id: str
    observation_space: Space
    action_space: Space
    max_episode_steps: int = 0
    reward_threshold: Optional[float] = None


@dataclasses.dataclass
class Labels:
    """A teacher's targets for n observations: actions (n rows), and either
    class probabilities (Discrete: n rows of n classes) or a Gaussian's mean
    and standard deviation (Box: n rows each), or neither."""

    actions: np.ndarray
    probs: Optional[np.ndarray] = None
    mean: Optional[np.ndarray] = None
    std: Optional[np.ndarray] = None


@dataclasses.dataclass
class Batch:
    """A minibatch of n observations (shape (n, obs_dim)) with labels."""

    obs: np.ndarray
    labels: Labels

    @property
    def n(self) -> int:
        return int(self.obs.shape[0])


@dataclasses.dataclass(frozen=True)
class Adam:
    learning_rate: float
    beta1: float
    beta2: float
    epsilon: float
    grad_clip: float


@dataclasses.dataclass(frozen=True)
class StudentConfig:
    """What a student is built from: the spaces, the run's seed, the match's
    Adam settings and the kind's own settings from its [[student]] table
    (integers are int, other numbers float, as TOML decodes them)."""

    observation_space: Space
    action_space: Space
    seed: int
    adam: Adam
    params: dict


@dataclasses.dataclass(frozen=True)
class Size:
    """A student network's size: weights and biases, hidden neurons, edges."""

    params: int
    hidden: int = 0
    edges: int = 0


# ---- conversions to and from the wire ----

def space_from_gym(space) -> Space:
    """A Gymnasium space (or anything with its attributes) as a Box or a
    Discrete."""
    if isinstance(space, (Box, Discrete)):
        return space
    if hasattr(space, "n") and not hasattr(space, "low"):
        return Discrete(int(space.n), int(getattr(space, "start", 0)))
    if hasattr(space, "low") and hasattr(space, "high"):
        shape = tuple(int(d) for d in space.shape)
        low = np.broadcast_to(np.asarray(space.low, dtype=np.float64), shape).ravel()
        high = np.broadcast_to(np.asarray(space.high, dtype=np.float64), shape).ravel()
        return Box(low, high, shape)
    raise TypeError(f"space {space!r} cannot cross the arena protocol (only Box and Discrete can)")


def space_to_proto(space: Space) -> pb.Space:
    space = space_from_gym(space)
    if isinstance(space, Discrete):
        return pb.Space(discrete=pb.Discrete(n=space.n, start=space.start))
    return pb.Space(box=pb.Box(low=space.low.tolist(), high=space.high.tolist(), shape=list(space.shape)))


def space_from_proto(p: pb.Space) -> Space:
    kind = p.WhichOneof("kind")
    if kind == "discrete":
        if p.discrete.n <= 0:
            raise InvalidArgument(f"discrete space with n={p.discrete.n}")
        return Discrete(int(p.discrete.n), int(p.discrete.start))
    if kind == "box":
        shape = tuple(int(d) for d in p.box.shape)
        low, high = np.array(p.box.low, dtype=np.float64), np.array(p.box.high, dtype=np.float64)
        size = int(np.prod(shape)) if shape else 1
        if len(low) != size or len(high) != size:
            raise InvalidArgument(f"box of shape {shape} has {len(low)} low and {len(high)} high bounds")
        return Box(low, high, shape)
    raise InvalidArgument("space is neither a Box nor a Discrete")


def env_spec_to_proto(s: EnvSpec) -> pb.EnvSpec:
    out = pb.EnvSpec(id=s.id, observation_space=space_to_proto(s.observation_space),
                     action_space=space_to_proto(s.action_space), max_episode_steps=int(s.max_episode_steps or 0))
    if s.reward_threshold is not None:
        out.reward_threshold = float(s.reward_threshold)
    return out


def env_spec_from_proto(p: pb.EnvSpec) -> EnvSpec:
    return EnvSpec(id=p.id, observation_space=space_from_proto(p.observation_space),
                   action_space=space_from_proto(p.action_space), max_episode_steps=int(p.max_episode_steps),
                   reward_threshold=p.reward_threshold if p.HasField("reward_threshold") else None)


def labels_to_proto(l: Labels, out: pb.Labels) -> pb.Labels:
    out.actions.extend(np.asarray(l.actions, dtype=np.float64).ravel().tolist())
    if l.probs is not None:
        out.has_probs = True
        out.probs.extend(np.asarray(l.probs, dtype=np.float64).ravel().tolist())
    if l.mean is not None:
        if l.std is None:
            raise ValueError("labels have a mean but no std")
        out.has_gaussian = True
        out.mean.extend(np.asarray(l.mean, dtype=np.float64).ravel().tolist())
        out.std.extend(np.asarray(l.std, dtype=np.float64).ravel().tolist())
    return out


def labels_from_proto(p: pb.Labels, n: int, act_dim: int, classes: int) -> Labels:
    def rows(values, width):
        return np.array(values, dtype=np.float64).reshape(n, width)
    return Labels(actions=rows(p.actions, act_dim),
                  probs=rows(p.probs, classes) if p.has_probs else None,
                  mean=rows(p.mean, act_dim) if p.has_gaussian else None,
                  std=rows(p.std, act_dim) if p.has_gaussian else None)


def params_from_json(s: str) -> dict:
    """The kind's settings: JSON whose integer literals stay int."""
    if not s:
        return {}
    v = json.loads(s)
    if not isinstance(v, dict):
        raise InvalidArgument("student params are not a JSON object")
    return v
