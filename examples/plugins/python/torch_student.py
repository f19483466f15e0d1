#!/usr/bin/env python3
"""An arena plugin serving a student kind, "torch-mlp": a torch.nn.Module
MLP trained with torch.optim.Adam under the match's Adam settings.

Settings ([[student]] keys): hidden (layer widths, default [32, 32]) and
activation ("tanh" or "relu", default "tanh"). For a Discrete action space
it outputs logits, trained by cross-entropy to the teacher's action or to
its probabilities when the labels carry them, and acts greedily; for a Box
it outputs the action, trained by mean squared error to the teacher's
action (or mean), clipped to the bounds. Everything is in float64 on one
thread, seeded by the run's seed, so a seed fixes the run."""

import io
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


class TorchMLP:
    def __init__(self, cfg: arena_plugin.StudentConfig):
        _import_torch()
        activations = {"tanh": nn.Tanh, "relu": nn.ReLU}
        unknown = set(cfg.params) - {"hidden", "activation"}
        if unknown:
            raise ValueError(f"torch-mlp: unknown settings {sorted(unknown)} (known: hidden, activation)")
        hidden = list(cfg.params.get("hidden", [32, 32]))
        act = cfg.params.get("activation", "tanh")
        if act not in activations or not all(isinstance(h, int) and h > 0 for h in hidden):
            raise ValueError(f"torch-mlp: bad settings hidden={hidden} activation={act!r}")
        self.space, self.hidden = cfg.action_space, hidden
        self.discrete = isinstance(self.space, arena_plugin.Discrete)
        outputs = self.space.n if self.discrete else self.space.dim
        sizes = [cfg.observation_space.dim] + hidden + [outputs]
        layers = []
        torch.manual_seed(cfg.seed)  # nn.Linear draws its initial weights from torch's global generator
        for i, (a, b) in enumerate(zip(sizes, sizes[1:])):
            layers.append(nn.Linear(a, b))
            if i < len(sizes) - 2:
                layers.append(activations[act]())
        self.net = nn.Sequential(*layers).double()
        a = cfg.adam
        self.opt = torch.optim.Adam(self.net.parameters(), lr=a.learning_rate, betas=(a.beta1, a.beta2),
                                    eps=a.epsilon)
        self.grad_clip = a.grad_clip
        if not self.discrete:
            self.low, self.high = torch.from_numpy(self.space.low), torch.from_numpy(self.space.high)

    def act(self, obs: np.ndarray) -> np.ndarray:
        with torch.no_grad():
            out = self.net(torch.from_numpy(obs))
            if self.discrete:
                return (out.argmax(dim=1) + self.space.start).numpy()
            return torch.maximum(torch.minimum(out, self.high), self.low).numpy()

    def train(self, batch: arena_plugin.Batch) -> float:
        out = self.net(torch.from_numpy(batch.obs))
        l = batch.labels
        if self.discrete and l.probs is not None:
            loss = -(torch.from_numpy(l.probs) * torch.log_softmax(out, dim=1)).sum(dim=1).mean()
        elif self.discrete:
            target = torch.from_numpy(l.actions[:, 0] - self.space.start).long()
            loss = nn.functional.cross_entropy(out, target)
        else:
            target = l.mean if l.mean is not None else l.actions
            loss = nn.functional.mse_loss(out, torch.from_numpy(target))
        self.opt.zero_grad()
        loss.backward()
        if self.grad_clip > 0:
            nn.utils.clip_grad_norm_(self.net.parameters(), self.grad_clip)
        self.opt.step()
        return loss.item()

    def size(self) -> arena_plugin.Size:
        params = sum(p.numel() for p in self.net.parameters())
        weights = sum(m.weight.numel() for m in self.net if isinstance(m, nn.Linear))
        return arena_plugin.Size(params=params, hidden=sum(self.hidden), edges=weights)

    def save(self) -> bytes:
        buf = io.BytesIO()
        torch.save({"net": self.net.state_dict(), "opt": self.opt.state_dict()}, buf)
        return buf.getvalue()

    def load(self, data: bytes) -> None:
        state = torch.load(io.BytesIO(data))
        self.net.load_state_dict(state["net"])
        self.opt.load_state_dict(state["opt"])


if __name__ == "__main__":
    arena_plugin.serve(students={"torch-mlp": TorchMLP}, name="torch-student", version="1.0.0")
