#!/usr/bin/env python3
"""Writes cartpole-ppo.pt, the saved PyTorch policy torch_teacher.py loads:
arena's shipped PPO actor for CartPole-v1 (teachers/checkpoints, a 4-64-64-2
tanh MLP whose flat parameters are in nn.Linear's layout, layer by layer,
weights then biases) as a TorchScript module, which torch.jit.load reads
without this code.

    python3 make_policy.py [../../../teachers/checkpoints/CartPole-v1.json] [cartpole-ppo.pt]
"""

import json
import os
import sys

import torch
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))


def policy_from_arena(path: str) -> nn.Sequential:
    with open(path) as f:
        ck = json.load(f)
    if ck.get("format") != "arena-ppo":
        raise SystemExit(f"{path} is not an arena PPO checkpoint")
    sizes, flat = ck["actor_sizes"], torch.tensor(ck["actor"], dtype=torch.float64)
    layers, at = [], 0
    for i, (fan_in, fan_out) in enumerate(zip(sizes, sizes[1:])):
        lin = nn.Linear(fan_in, fan_out).double()
        with torch.no_grad():
            lin.weight.copy_(flat[at:at + fan_in * fan_out].view(fan_out, fan_in))
            at += fan_in * fan_out
            lin.bias.copy_(flat[at:at + fan_out])
            at += fan_out
        layers.append(lin)
        if i < len(sizes) - 2:
            layers.append(nn.Tanh())
    if at != len(flat):
        raise SystemExit(f"{path}: {len(flat)} actor parameters, sizes {sizes} need {at}")
    return nn.Sequential(*layers)


def main():
    src = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "..", "..", "teachers", "checkpoints",
                                                             "CartPole-v1.json")
    dst = sys.argv[2] if len(sys.argv) > 2 else os.path.join(HERE, "cartpole-ppo.pt")
    torch.jit.save(torch.jit.script(policy_from_arena(src)), dst)
    print(f"wrote {dst}")


if __name__ == "__main__":
    main()
