#!/usr/bin/env python3
"""Prints the Markdown tables of docs/results.md's mechanism sections from
`arena run` / `arena report` output folders (results.json or runs/*.json).
Standard library only. The spread is the sample std (n - 1) everywhere.

usage:
  python3 docs/results/mechanisms.py match DIR      # a match's leaderboard and spread (results.json)
  python3 docs/results/mechanisms.py scan DIR       # lambda_edge scan: score, size, neurons inserted
  python3 docs/results/mechanisms.py mlp DIR...     # the MLPs' search, one folder per learning rate
  python3 docs/results/mechanisms.py sweep DIR      # a tuning sweep: IQM, mean, worst seed, params
  python3 docs/results/mechanisms.py lr DIR...      # one match at several learning rates: IQM per env, overall
"""
import glob
import json
import os
import statistics
import sys

ENVS = ["CartPole-v1", "Acrobot-v1", "MountainCar-v0", "MountainCarContinuous-v0", "Pendulum-v1"]
SHORT = {"CartPole-v1": "CartPole", "Acrobot-v1": "Acrobot", "MountainCar-v0": "MountainCar",
         "MountainCarContinuous-v0": "MountainCarCont.", "Pendulum-v1": "Pendulum"}


def envs_of(keys):
    """The classic-control environments in ENVS order, then any others (MuJoCo) as met."""
    met = order(keys, 0)
    return [e for e in ENVS if e in met] + [e for e in met if e not in ENVS]


def runs(d):
    out = {}
    for f in sorted(glob.glob(os.path.join(d, "runs", "*.json"))):
        r = json.load(open(f))
        if r.get("status", "ok") == "ok":
            out.setdefault((r["env"], r["student"]), []).append(r)
    return out


def iqm(xs):
    """scipy.stats.trim_mean(xs, 0.25), as arena's IQM: cut n//4 from each end."""
    s = sorted(xs)
    k = len(s) // 4
    return statistics.mean(s[k:len(s) - k])


def order(keys, idx):
    seen = []
    for k in keys:
        if k[idx] not in seen:
            seen.append(k[idx])
    return seen


def match(d):
    res = json.load(open(os.path.join(d, "results.json")))
    board = {(r["env"], r["student"]): r for r in res["leaderboard"]}
    spread = {(r["env"], r["student"]): r for r in res.get("spread", [])}
    envs = [e["id"] for e in res["match"]["envs"]]
    students = [s["name"] for s in res["match"]["students"]]
    base = res["match"]["baseline"]
    for e in envs:
        print(f"\n**{e}** (teacher {board[(e, students[0])]['teacher_return']:.1f}, random {board[(e, students[0])]['random_return']:.1f})\n")
        print(f"| student | normalised IQM [95% CI] | mean | sample std [95% CI] | Brown–Forsythe vs {base}: F, p | params | hidden | seeds |")
        print("|---|---|---|---|---|---|---|---|")
        for s in students:
            b = board[(e, s)]
            sp = spread.get((e, s), {})
            std = "-" if sp.get("normalized_std") is None else f"{sp['normalized_std']:.3f} [{sp['normalized_std_ci_low']:.3f}, {sp['normalized_std_ci_high']:.3f}]"
            bf = "—" if sp.get("brown_forsythe_f") is None else f"{sp['brown_forsythe_f']:.2f}, {sp['brown_forsythe_p']:.3f}"
            print(f"| {s} | {b['normalized_iqm']:.3f} [{b['normalized_iqm_ci_low']:.3f}, {b['normalized_iqm_ci_high']:.3f}] | "
                  f"{b['normalized_mean']:.3f} | {std} | {bf} | {b['params_mean']:.0f} | {b['hidden_mean']:.1f} | {b['seeds']} |")
    print(f"\n**Overall** (normalised scores of all runs pooled; baseline {base})\n")
    print(f"| student | IQM [95% CI] | mean [95% CI] | optimality gap [95% CI] | P(improve over {base}) [95% CI] | mean params |")
    print("|---|---|---|---|---|---|")
    for a in res["aggregate"]:
        print(f"| {a['student']} | {a['iqm_normalized']:.3f} [{a['ci_low']:.3f}, {a['ci_high']:.3f}] | "
              f"{a['mean_normalized']:.3f} [{a['mean_ci_low']:.3f}, {a['mean_ci_high']:.3f}] | "
              f"{a['optimality_gap']:.3f} [{a['optimality_gap_ci_low']:.3f}, {a['optimality_gap_ci_high']:.3f}] | "
              f"{a['prob_improvement']:.2f} [{a['prob_improvement_ci_low']:.2f}, {a['prob_improvement_ci_high']:.2f}] | {a['params_mean']:.0f} |")


def scan(d):
    rs = runs(d)
    lams = order(rs.keys(), 1)
    print("| env | student | IQM norm | worst seed | params | hidden | neurons inserted per run | exploratory edges per run |")
    print("|---|---|---|---|---|---|---|---|")
    for e in envs_of(rs.keys()):
        for s in lams:
            v = rs.get((e, s))
            if not v:
                continue
            ins = [r.get("structural_events", {}).get("grow_neuron", 0) for r in v]
            add = [r.get("structural_events", {}).get("add_edge", 0) for r in v]
            print(f"| {SHORT.get(e, e)} | {s} | {iqm([r['normalized'] for r in v]):.3f} | {min(r['normalized'] for r in v):.3f} | "
                  f"{statistics.mean(r['params'] for r in v):.0f} | {statistics.mean(r['hidden_neurons'] for r in v):.1f} | "
                  f"{min(ins)}–{max(ins)} | {statistics.mean(add):.0f} |")


def mlp(dirs):
    rows = {}
    for d in dirs:
        lr = json.load(open(os.path.join(d, "results.json")))["match"]["adam"]["learning_rate"]
        for (e, s), v in runs(d).items():
            rows.setdefault(s, {}).setdefault(lr, {})[e] = ([r["normalized"] for r in v], v[0]["params"])
    envs = [e for e in ENVS if any(e in x for st in rows.values() for x in st.values())]
    print("| student | lr | " + " | ".join(SHORT[e] + " (params)" for e in envs) + " | worst env |")
    print("|---|---|" + "---|" * len(envs) + "---|")
    for s in rows:
        for lr in sorted(rows[s]):
            cells, means = [], []
            for e in envs:
                x = rows[s][lr].get(e)
                if x is None:
                    cells.append("-")
                    continue
                m = statistics.mean(x[0])
                means.append(m)
                cells.append(f"{m:.3f} ({x[1]})")
            print(f"| {s} | {lr:g} | " + " | ".join(cells) + f" | {min(means):.3f} |")


def sweep(d):
    rs = runs(d)
    print("| env | student | IQM norm | mean | worst seed | params | hidden |")
    print("|---|---|---|---|---|---|---|")
    for e in ENVS:
        for s in order(rs.keys(), 1):
            v = rs.get((e, s))
            if not v:
                continue
            x = [r["normalized"] for r in v]
            print(f"| {SHORT[e]} | {s} | {iqm(x):.3f} | {statistics.mean(x):.3f} | {min(x):.3f} | "
                  f"{statistics.mean(r['params'] for r in v):.0f} | {statistics.mean(r['hidden_neurons'] for r in v):.1f} |")


def lr(dirs):
    """The students every folder has, one row per learning rate (results.json)."""
    res = [json.load(open(os.path.join(d, "results.json"))) for d in dirs]
    res.sort(key=lambda r: r["match"]["adam"]["learning_rate"])
    common = [s["name"] for s in res[0]["match"]["students"]
              if all(any(x["name"] == s["name"] for x in r["match"]["students"]) for r in res)]
    envs = envs_of([(r["env"], r["student"]) for r in res[0]["leaderboard"]])
    print("| student | lr | " + " | ".join(SHORT.get(e, e) for e in envs) + " | overall IQM | overall mean | params |")
    print("|---|---|" + "---|" * len(envs) + "---|---|---|")
    for s in common:
        for r in res:
            b = {(x["env"], x["student"]): x for x in r["leaderboard"]}
            a = next(x for x in r["aggregate"] if x["student"] == s)
            cells = [f"{b[(e, s)]['normalized_iqm']:.3f} [{b[(e, s)]['normalized_iqm_ci_low']:.3f}, {b[(e, s)]['normalized_iqm_ci_high']:.3f}]" for e in envs]
            print(f"| {s} | {r['match']['adam']['learning_rate']:g} | " + " | ".join(cells) +
                  f" | {a['iqm_normalized']:.3f} [{a['ci_low']:.3f}, {a['ci_high']:.3f}] | "
                  f"{a['mean_normalized']:.3f} [{a['mean_ci_low']:.3f}, {a['mean_ci_high']:.3f}] | {a['params_mean']:.0f} |")


if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    mode, dirs = sys.argv[1], sys.argv[2:]
    {"match": lambda: match(dirs[0]), "scan": lambda: scan(dirs[0]), "mlp": lambda: mlp(dirs),
     "sweep": lambda: sweep(dirs[0]), "lr": lambda: lr(dirs)}[mode]()
