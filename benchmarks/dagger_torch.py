#!/usr/bin/python3
"""The DAgger job of benchmarks/*.toml in Gymnasium + PyTorch, for timing.

It runs arena's distillation protocol (framework/distill) with the same
settings as the match files beside it: 8 environment copies stepped
together (Gymnasium's SyncVectorEnv, same-step autoreset), the teacher's
action with probability beta = 0.5**round per copy per step and the
student's otherwise, every visited state labelled by the teacher, 25 rounds
of 2,000 labelled steps (50,000 in all), after each round 200 Adam updates
(lr 1e-3, PyTorch's other defaults) on minibatches of 256 drawn uniformly
with replacement, cross-entropy to the teacher's action; the deterministic
student evaluated on 20 episodes at 0 steps and every 5,000 steps, and on
100 final episodes, where the teacher and a uniform random policy play the
same 100 episodes. The student is an MLP obs -> 64 -> 64 -> actions with
tanh. The teachers are ports of arena's experts (teachers/expert): the
CartPole linear law, and the Acrobot planner (every sequence of 5 torques
on Gymnasium's exact dynamics), batched over the search tree with NumPy.

One thread and flushed denormals, as a user tuning PyTorch for this job
would set them. Run with Debian's interpreter and the Gymnasium of
../shared/python/site (see docs/speed.md):

    PYTHONPATH=../shared/python/site /usr/bin/python3 benchmarks/dagger_torch.py --env CartPole-v1

It prints one JSON line: the wall time and its parts, and the returns.
"""

import argparse
import warnings
import json
import math
import time

import numpy as np
import torch

import gymnasium as gym


# --- teachers: ports of teachers/expert ---------------------------------

def cartpole_teacher(obs):
    x, xd, th, thd = obs[:, 0], obs[:, 1], obs[:, 2], obs[:, 3]
    u = 0.3 * x + 0.9 * xd + 14 * th + 2.3 * thd
    return (u > 0).astype(np.int64)


ACRO_DT, ACRO_G = 0.2, 9.8
ACRO_MAX1, ACRO_MAX2 = 4 * math.pi, 9 * math.pi
ACRO_DEPTH = 5


def acro_deriv(s, a):
    th1, th2, d1_, d2_ = s[:, 0], s[:, 1], s[:, 2], s[:, 3]
    c2, s2 = np.cos(th2), np.sin(th2)
    d1 = 0.25 + (1 + 0.25 + c2) + 2
    d2 = (0.25 + 0.5 * c2) + 1
    phi2 = 0.5 * ACRO_G * np.cos(th1 + th2 - math.pi / 2)
    phi1 = -0.5 * d2_ * d2_ * s2 - d2_ * d1_ * s2 + 1.5 * ACRO_G * np.cos(th1 - math.pi / 2) + phi2
    dd2 = (a + d2 / d1 * phi1 - 0.5 * d1_ * d1_ * s2 - phi2) / (1.25 - d2 * d2 / d1)
    dd1 = -(d2 * dd2 + phi1) / d1
    return np.stack([d1_, d2_, dd1, dd2], axis=1)


def wrap(x):
    return (x + math.pi) % (2 * math.pi) - math.pi


def acro_step(s, a):
    h = ACRO_DT / 2
    k1 = acro_deriv(s, a)
    k2 = acro_deriv(s + h * k1, a)
    k3 = acro_deriv(s + h * k2, a)
    k4 = acro_deriv(s + ACRO_DT * k3, a)
    n = s + ACRO_DT / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
    n[:, 0] = wrap(n[:, 0])
    n[:, 1] = wrap(n[:, 1])
    n[:, 2] = np.clip(n[:, 2], -ACRO_MAX1, ACRO_MAX1)
    n[:, 3] = np.clip(n[:, 3], -ACRO_MAX2, ACRO_MAX2)
    return n


def acrobot_teacher(obs):
    """arena's Acrobot planner for a batch of observations, level by level."""
    b = obs.shape[0]
    s = np.stack([np.arctan2(obs[:, 1], obs[:, 0]), np.arctan2(obs[:, 3], obs[:, 2]), obs[:, 4], obs[:, 5]], axis=1)
    torques = np.array([-1.0, 0.0, 1.0])
    levels = [s]  # level l: b * 3**l states, children of i at 3i..3i+2
    for _ in range(ACRO_DEPTH):
        parent = np.repeat(levels[-1], 3, axis=0)
        a = np.tile(torques, len(levels[-1]))
        levels.append(acro_step(parent, a))
    value = None
    for l in range(ACRO_DEPTH, 0, -1):
        st = levels[l]
        c1, c12 = np.cos(st[:, 0]), np.cos(st[:, 0] + st[:, 1])
        height = -c1 - c12
        if l == ACRO_DEPTH:
            c2 = np.cos(st[:, 1])
            w1, w2 = st[:, 2], st[:, 3]
            pot = -ACRO_G * (1.5 * c1 + 0.5 * c12)
            kin = 0.5 * ((0.25 + (1 + 0.25 + c2) + 2) * w1 * w1 + 2 * (0.25 + 0.5 * c2 + 1) * w1 * w2 + 1.25 * w2 * w2)
            v = pot + kin + 4 * height
        else:
            v = value.reshape(-1, 3).max(axis=1)
        value = np.where(height > 1, 1000.0 - l, v)
    v = value.reshape(b, 3)  # torques -1, 0, +1
    order = [1, 0, 2]  # zero torque first: it wins ties
    best = np.full(b, 1)
    bestv = v[:, 1].copy()
    for a in order[1:]:
        better = v[:, a] > bestv
        best = np.where(better, a, best)
        bestv = np.where(better, v[:, a], bestv)
    return best.astype(np.int64)


TEACHERS = {"CartPole-v1": cartpole_teacher, "Acrobot-v1": acrobot_teacher}


# --- protocol -------------------------------------------------------------

class Timer:
    def __init__(self):
        self.parts = {}

    def add(self, name, t0):
        self.parts[name] = self.parts.get(name, 0.0) + time.perf_counter() - t0


def make_vec(env_id, n):
    return gym.vector.SyncVectorEnv([lambda: gym.make(env_id) for _ in range(n)],
                                    autoreset_mode=gym.vector.AutoresetMode.SAME_STEP)


def play(env_id, n_episodes, policy, seed, timer, name):
    """Returns of n_episodes, episode i reset with seed+i, on max(8, n) copies."""
    t0 = time.perf_counter()
    venv = make_vec(env_id, n_episodes)
    obs, _ = venv.reset(seed=[seed + i for i in range(n_episodes)])
    returns = np.zeros(n_episodes)
    done = np.zeros(n_episodes, dtype=bool)
    while not done.all():
        obs, r, term, trunc, _ = venv.step(policy(obs))
        returns += np.where(done, 0, r)
        done |= term | trunc
    venv.close()
    timer.add(name, t0)
    return returns


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--env", default="CartPole-v1", choices=sorted(TEACHERS))
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--env-steps", type=int, default=50000)
    p.add_argument("--envs", type=int, default=8)
    p.add_argument("--round-steps", type=int, default=2000)
    p.add_argument("--updates", type=int, default=200)
    p.add_argument("--batch", type=int, default=256)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--decay", type=float, default=0.5)
    p.add_argument("--eval-every", type=int, default=5000)
    p.add_argument("--eval-episodes", type=int, default=20)
    p.add_argument("--final-episodes", type=int, default=100)
    p.add_argument("--dtype", default="float32", choices=["float32", "float64"])
    args = p.parse_args()

    warnings.filterwarnings("ignore", message="The value of the smallest subnormal")
    torch.set_num_threads(1)
    torch.set_flush_denormal(True)
    torch.manual_seed(args.seed)
    dtype = getattr(torch, args.dtype)
    rng = np.random.default_rng(args.seed)
    teacher = TEACHERS[args.env]
    timer = Timer()
    start, start_cpu = time.perf_counter(), time.process_time()

    venv = make_vec(args.env, args.envs)
    obs_dim = venv.single_observation_space.shape[0]
    n_act = venv.single_action_space.n
    net = torch.nn.Sequential(
        torch.nn.Linear(obs_dim, 64), torch.nn.Tanh(),
        torch.nn.Linear(64, 64), torch.nn.Tanh(),
        torch.nn.Linear(64, n_act)).to(dtype)
    opt = torch.optim.Adam(net.parameters(), lr=args.lr)
    loss_fn = torch.nn.CrossEntropyLoss()

    def student(o):
        t0 = time.perf_counter()
        with torch.no_grad():
            a = net(torch.as_tensor(o, dtype=dtype)).argmax(dim=1).numpy()
        timer.add("student_act", t0)
        return a

    def labelled(o):
        t0 = time.perf_counter()
        a = teacher(np.asarray(o, dtype=np.float64))
        timer.add("teacher", t0)
        return a

    eval_seed = 1_000_000_000
    curve = [(0, float(play(args.env, args.eval_episodes, student, eval_seed, timer, "eval").mean()))]
    buf_obs = np.zeros((args.env_steps + args.envs, obs_dim))
    buf_act = np.zeros(args.env_steps + args.envs, dtype=np.int64)
    n = 0
    obs, _ = venv.reset(seed=[args.seed + i for i in range(args.envs)])
    rounds = math.ceil(args.env_steps / args.round_steps)
    for rnd in range(rounds):
        beta = args.decay ** rnd
        target = min((rnd + 1) * args.round_steps, args.env_steps)
        while n < target:
            labels = labelled(obs)
            take = min(args.envs, target - n)
            buf_obs[n:n + take] = obs[:take]
            buf_act[n:n + take] = labels[:take]
            n += take
            use_teacher = rng.random(args.envs) < beta
            act = labels if use_teacher.all() else np.where(use_teacher, labels, student(obs))
            t0 = time.perf_counter()
            obs, _, _, _, _ = venv.step(act)
            timer.add("env", t0)
            # A point due inside the round measures the student as it is
            # then; one on the round's end comes after its training.
            if n // args.eval_every >= len(curve) and n < target:
                curve.append((n, float(play(args.env, args.eval_episodes, student, eval_seed, timer, "eval").mean())))
        t0 = time.perf_counter()
        data_o = torch.as_tensor(buf_obs[:n], dtype=dtype)
        data_a = torch.as_tensor(buf_act[:n])
        for _ in range(args.updates):
            idx = torch.as_tensor(rng.integers(0, n, args.batch))
            loss = loss_fn(net(data_o[idx]), data_a[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
        timer.add("student_train", t0)
        if n // args.eval_every >= len(curve) and n < args.env_steps:
            curve.append((n, float(play(args.env, args.eval_episodes, student, eval_seed, timer, "eval").mean())))
    venv.close()

    final = play(args.env, args.final_episodes, student, eval_seed, timer, "eval")
    teach = play(args.env, args.final_episodes, labelled, eval_seed, timer, "baselines")
    rand_rng = np.random.default_rng(args.seed + 1)
    rnd_ret = play(args.env, args.final_episodes, lambda o: rand_rng.integers(0, n_act, len(o)), eval_seed, timer, "baselines")
    total, cpu = time.perf_counter() - start, time.process_time() - start_cpu
    print(json.dumps({
        "stack": "gymnasium %s + torch %s (%s, 1 thread, denormals flushed)" % (gym.__version__, torch.__version__, args.dtype),
        "env": args.env, "labelled_steps": n, "wall_seconds": round(total, 3), "cpu_seconds": round(cpu, 3),
        "timing_seconds": {k: round(v, 3) for k, v in sorted(timer.parts.items())},
        "final_return_mean": float(final.mean()), "teacher_return": float(teach.mean()),
        "random_return": float(rnd_ret.mean()), "curve": curve,
    }))


if __name__ == "__main__":
    main()
