#!/usr/bin/env python3
"""Prints the Markdown tables of docs/results.md from `arena run` output
folders (their results.json). Standard library only.

usage:
  python3 docs/results/tables.py expert DIR           # the default match
  python3 docs/results/tables.py ppo DIR EXPERT_DIR   # the PPO match beside the expert one
  python3 docs/results/tables.py heldout DIR          # the defaults on other seeds
  python3 docs/results/tables.py growth DIR           # sizes and structural edits per seed
"""
import json
import math
import statistics
import sys

ENVS = ["CartPole-v1", "Acrobot-v1", "MountainCar-v0", "MountainCarContinuous-v0", "Pendulum-v1"]
SHORT = {"CartPole-v1": "CartPole", "Acrobot-v1": "Acrobot", "MountainCar-v0": "MountainCar",
         "MountainCarContinuous-v0": "MountainCarCont.", "Pendulum-v1": "Pendulum"}


def load(d):
    res = json.load(open(d + "/results.json"))
    board = {(r["env"], r["student"]): r for r in res["leaderboard"]}
    runs = {}
    for r in res["runs"]:
        runs.setdefault((r["env"], r["student"]), []).append(r)
    for v in runs.values():
        v.sort(key=lambda r: r["seed"])
    envs = [e for e in ENVS if any(k[0] == e for k in board)]
    students = []
    for r in res["leaderboard"]:
        if r["student"] not in students:
            students.append(r["student"])
    return res, board, runs, envs, students


def sd(xs):
    return statistics.stdev(xs) if len(xs) > 1 else 0.0  # sample std (n − 1), as arena's tables


def f3(x):
    return "%.3f" % x


def per_env(board, runs, envs, students, tenth=None):
    """Per environment: IQM normalised with its CI (returns), mean ± std
    across seeds of the return, std across seeds of the normalised score,
    mean parameters, hidden neurons, edges."""
    for e in envs:
        print("\n**%s**\n" % e)
        print("| student | IQM normalised | return: mean ± std over seeds | IQM return [95% CI] | std of normalised over seeds | params | hidden | edges |")
        print("|---|---|---|---|---|---|---|---|")
        for s in students:
            b = board.get((e, s))
            if not b:
                continue
            rs = runs[(e, s)]
            norms = [r["normalized"] for r in rs]
            edges = statistics.mean(r["edges"] for r in rs)
            print("| %s | %s | %.1f ± %.1f | %.1f [%.1f, %.1f] | %.3f | %.0f | %.1f | %.0f |" % (
                s, f3(b["normalized_iqm"]), b["return_mean"], b["return_std"], b["iqm"], b["iqm_ci_low"],
                b["iqm_ci_high"], sd(norms), b["params_mean"], b["hidden_mean"], edges))


def bars(board, envs, student="smgrnn", mlp="mlp-64x64"):
    print("| environment | IQM normalised (bar ≥ 0.95) | mean params | a tenth of %s | both bars |" % mlp)
    print("|---|---|---|---|---|")
    for e in envs:
        b, m = board[(e, student)], board[(e, mlp)]
        tenth = m["params_mean"] / 10
        ok = b["normalized_iqm"] >= 0.95 and b["params_mean"] <= tenth
        print("| %s | %s | %.1f | %.1f | %s |" % (e, f3(b["normalized_iqm"]), b["params_mean"], tenth, "yes" if ok else "**no**"))


def overall(res):
    print("| student | IQM normalised [95% CI] | optimality gap | P(improve over baseline) [95% CI] | mean params |")
    print("|---|---|---|---|---|")
    for a in res["aggregate"]:
        print("| %s | %s [%s, %s] | %s | %.2f [%.2f, %.2f] | %.0f |" % (
            a["student"], f3(a["iqm_normalized"]), f3(a["ci_low"]), f3(a["ci_high"]), f3(a["optimality_gap"]),
            a["prob_improvement"], a["prob_improvement_ci_low"], a["prob_improvement_ci_high"], a["params_mean"]))
    print("\nbaseline: %s" % res["aggregate"][0]["baseline"])


def versus(board, runs, envs, student, others):
    """student against each other on return (IQM normalised), spread across
    seeds (std of the normalised score) and size."""
    print("| environment | vs | IQM normalised (%s / other) | std over seeds (%s / other) | params (%s / other) |" % (student, student, student))
    print("|---|---|---|---|---|")
    for e in envs:
        a = board[(e, student)]
        sa = sd([r["normalized"] for r in runs[(e, student)]])
        for o in others:
            b = board.get((e, o))
            if not b:
                continue
            sb = sd([r["normalized"] for r in runs[(e, o)]])
            print("| %s | %s | %s / %s | %.3f / %.3f | %.0f / %.0f |" % (
                SHORT.get(e, e), o, f3(a["normalized_iqm"]), f3(b["normalized_iqm"]), sa, sb, a["params_mean"], b["params_mean"]))


def counts(board, runs, envs, student, others):
    """How many environments the student wins, ties (within 0.005) or loses
    on IQM normalised, and on spread across seeds."""
    print("| vs | return: better / tie / worse | std over seeds: lower / tie / higher | smaller on |")
    print("|---|---|---|---|")
    for o in others:
        w = t = l = lo = ti = hi = sm = 0
        for e in envs:
            a, b = board[(e, student)], board[(e, o)]
            d = a["normalized_iqm"] - b["normalized_iqm"]
            w, t, l = w + (d > 0.005), t + (abs(d) <= 0.005), l + (d < -0.005)
            sa = sd([r["normalized"] for r in runs[(e, student)]])
            sb = sd([r["normalized"] for r in runs[(e, o)]])
            ds = sa - sb
            lo, ti, hi = lo + (ds < -0.002), ti + (abs(ds) <= 0.002), hi + (ds > 0.002)
            sm += a["params_mean"] < b["params_mean"]
        print("| %s | %d / %d / %d | %d / %d / %d | %d of %d |" % (o, w, t, l, lo, ti, hi, sm, len(envs)))


def sizes(board, runs, envs, student="smgrnn"):
    """Size SMGrNN settles at next to each environment's difficulty."""
    print("| environment | obs × actions | mlp-8 normalised | no-growth normalised | 64×64 MLP normalised | %s initial params | final params (min–max over seeds) | hidden | edges | neurons grown | edges added | edges pruned | neurons removed |" % student)
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for e in envs:
        rs = runs[(e, student)]
        ev = lambda k: statistics.mean((r.get("structural_events") or {}).get(k, 0) for r in rs)
        init = statistics.mean(r["curve"][0]["params"] for r in rs)
        ps = [r["params"] for r in rs]
        shape = {"CartPole-v1": "4 × 2", "Acrobot-v1": "6 × 3", "MountainCar-v0": "2 × 3",
                 "MountainCarContinuous-v0": "2 × 1", "Pendulum-v1": "3 × 1"}.get(e, "?")
        g = lambda s: f3(board[(e, s)]["normalized_iqm"]) if (e, s) in board else "–"
        print("| %s | %s | %s | %s | %s | %.0f | %.0f (%d–%d) | %.1f | %.0f | %.1f | %.1f | %.1f | %.1f |" % (
            e, shape, g("mlp-8"), g("smgrnn-no-growth"), g("mlp-64x64"), init, statistics.mean(ps), min(ps), max(ps),
            board[(e, student)]["hidden_mean"], statistics.mean(r["edges"] for r in rs), ev("grow_neuron"),
            ev("add_edge"), ev("prune_edge"), ev("remove_dead") + ev("remove_stranded")))


def seeds_table(board, runs, envs, students):
    """Every seed's normalised score and size (spread at a glance)."""
    print("| environment | student | normalised score per seed | params per seed |")
    print("|---|---|---|---|")
    for e in envs:
        for s in students:
            rs = runs.get((e, s))
            if not rs:
                continue
            print("| %s | %s | %s | %s |" % (SHORT.get(e, e), s, " ".join(f3(r["normalized"]) for r in rs),
                                             " ".join(str(r["params"]) for r in rs)))


def main():
    mode, d = sys.argv[1], sys.argv[2]
    res, board, runs, envs, students = load(d)
    if mode == "expert":
        print("### Bars (issue 8)\n")
        bars(board, envs)
        print("\n### Overall\n")
        overall(res)
        print("\n### Per environment")
        per_env(board, runs, envs, students)
        print("\n### SMGrNN against each MLP\n")
        versus(board, runs, envs, "smgrnn", ["mlp-64x64", "mlp-8"])
        print()
        counts(board, runs, envs, "smgrnn", ["mlp-64x64", "mlp-8"])
        print("\n### Ablations against paper\n")
        versus(board, runs, envs, "smgrnn", ["smgrnn-grow-only", "smgrnn-no-growth"])
        print()
        counts(board, runs, envs, "smgrnn", ["smgrnn-grow-only", "smgrnn-no-growth"])
        print("\n### Sizes and difficulty\n")
        sizes(board, runs, envs)
        print("\n### Every seed\n")
        seeds_table(board, runs, envs, students)
    elif mode == "ppo":
        eres, eboard, eruns, _, _ = load(sys.argv[3])
        print("| environment | student | IQM normalised, PPO teacher | IQM normalised, expert teacher | return mean ± std over seeds, PPO / expert | teacher return PPO / expert | params PPO / expert |")
        print("|---|---|---|---|---|---|---|")
        for e in envs:
            for s in students:
                b, x = board[(e, s)], eboard.get((e, s))
                print("| %s | %s | %s | %s | %.1f ± %.1f / %s | %.1f / %s | %.0f / %s |" % (
                    SHORT.get(e, e), s, f3(b["normalized_iqm"]), f3(x["normalized_iqm"]) if x else "–",
                    b["return_mean"], b["return_std"], "%.1f ± %.1f" % (x["return_mean"], x["return_std"]) if x else "–",
                    b["teacher_return"],
                    "%.1f" % x["teacher_return"] if x else "–", b["params_mean"], "%.0f" % x["params_mean"] if x else "–"))
        print("\n### Overall (PPO teachers)\n")
        overall(res)
        print()
        counts(board, runs, envs, "smgrnn", ["mlp-64x64", "mlp-8", "smgrnn-grow-only", "smgrnn-no-growth"])
        print()
        seeds_table(board, runs, envs, students)
    elif mode == "heldout":
        print("| environment | student | IQM normalised | mean | worst seed | params | normalised per seed |")
        print("|---|---|---|---|---|---|---|")
        for e in envs:
            for s in students:
                b, rs = board[(e, s)], runs[(e, s)]
                print("| %s | %s | %s | %s | %s | %.0f | %s |" % (
                    e, s, f3(b["normalized_iqm"]), f3(b["normalized_mean"]), f3(min(r["normalized"] for r in rs)),
                    b["params_mean"], " ".join(f3(r["normalized"]) for r in rs)))
    elif mode == "growth":
        print("| environment | student | IQM normalised | params per seed | neurons grown | edges added | edges pruned | neurons removed |")
        print("|---|---|---|---|---|---|---|---|")
        for e in envs:
            for s in students:
                b, rs = board[(e, s)], runs[(e, s)]
                ev = lambda k: statistics.mean((r.get("structural_events") or {}).get(k, 0) for r in rs)
                print("| %s | %s | %s | %s | %.1f | %.1f | %.1f | %.1f |" % (
                    SHORT.get(e, e), s, f3(b["normalized_iqm"]), " ".join(str(r["params"]) for r in rs),
                    ev("grow_neuron"), ev("add_edge"), ev("prune_edge"), ev("remove_dead") + ev("remove_stranded")))
    else:
        sys.exit("unknown mode " + mode)


if __name__ == "__main__":
    main()
