#!/usr/bin/env python3
"""Prints the Markdown tables of docs/results.md, section "Structure at
matched size", from the output folder of examples/structure.toml (its
results.json). Standard library only.

usage:
  python3 docs/results/structure.py DIR

Per environment: each student's IQM normalised score with a 95% percentile
bootstrap CI over seeds, the mean ± std over seeds, the mean, min and max
final parameter count, and the probability that it scores higher than
SMGrNN on a random pair of seeds, P(X > smgrnn), with its CI. Bootstrap:
10,000 resamples of the seeds of each student, seeded, so the tables are
reproducible. IQM is scipy.stats.trim_mean(x, 0.25), as arena's.
"""
import json
import random
import statistics
import sys

ENVS = ["CartPole-v1", "Acrobot-v1", "MountainCar-v0", "MountainCarContinuous-v0", "Pendulum-v1"]
BASE = "smgrnn"
MATCHED = ["smgrnn", "set", "rigl", "gmp", "net2net"]
REPS = 10000


def iqm(xs):
    s = sorted(xs)
    k = len(s) // 4
    return statistics.fmean(s[k:len(s) - k])


def p_better(xs, ys):
    """P(X > Y) for X, Y drawn from xs and ys, ties counting one half."""
    wins = 0.0
    for x in xs:
        for y in ys:
            wins += 1.0 if x > y else 0.5 if x == y else 0.0
    return wins / (len(xs) * len(ys))


def ci(stat, samples, rng):
    """95% percentile bootstrap CI of stat(*samples), each sample resampled
    on its own."""
    vals = []
    for _ in range(REPS):
        vals.append(stat(*[[rng.choice(s) for _ in s] for s in samples]))
    vals.sort()
    return vals[int(0.025 * REPS)], vals[int(0.975 * REPS) - 1]


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    res = json.load(open(sys.argv[1] + "/results.json"))
    students = [s["name"] for s in res["match"]["students"]]
    targets = {}
    for s in res["match"]["students"]:
        per = s.get("params", {}).get("per_env", {})
        for env, over in per.items():
            if "target_params" in over:
                targets[(env, s["name"])] = over["target_params"]
    runs = {}
    for r in res["runs"]:
        if r["status"] == "ok":
            runs.setdefault((r["env"], r["student"]), []).append(r)
    envs = [e for e in ENVS if any(k[0] == e for k in runs)]
    rng = random.Random(20211206)

    print("**Budgets: target and final parameters (mean, min–max over seeds)**\n")
    print("| environment | SMGrNN (mean) | " + " | ".join(s for s in MATCHED[1:]) + " |")
    print("|---|---|" + "---|" * (len(MATCHED) - 1))
    for e in envs:
        cells = ["%.1f" % statistics.fmean(r["params"] for r in runs[(e, BASE)])]
        for s in MATCHED[1:]:
            ps = [r["params"] for r in runs.get((e, s), [])]
            if not ps:
                cells.append("–")
                continue
            t = targets.get((e, s))
            off = max(abs(p - t) / t for p in ps) if t else float("nan")
            cells.append("%s → %.1f (%d–%d, worst %.1f%%)" % (t, statistics.fmean(ps), min(ps), max(ps), 100 * off))
        print("| %s | %s |" % (e, " | ".join(cells)))

    best = {}
    for e in envs:
        print("\n**%s**\n" % e)
        print("| student | IQM normalised [95% CI] | normalised: mean ± std over seeds | params (mean) | P(X > smgrnn) [95% CI] |")
        print("|---|---|---|---|---|")
        base = [r["normalized"] for r in runs[(e, BASE)]]
        rows = []
        for s in students:
            rs = runs.get((e, s))
            if not rs:
                continue
            xs = [r["normalized"] for r in rs]
            lo, hi = ci(iqm, [xs], rng)
            if s == BASE:
                pb = "–"
            else:
                plo, phi = ci(p_better, [xs, base], rng)
                pb = "%.2f [%.2f, %.2f]" % (p_better(xs, base), plo, phi)
            sd = statistics.pstdev(xs) if len(xs) > 1 else 0.0
            params = statistics.fmean(r["params"] for r in rs)
            rows.append((s, iqm(xs), lo, hi))
            print("| %s | %.3f [%.3f, %.3f] | %.3f ± %.3f | %.0f | %s |" % (s, iqm(xs), lo, hi, statistics.fmean(xs), sd, params, pb))
        matched = [r for r in rows if r[0] in MATCHED]
        top = max(matched, key=lambda r: r[1])
        equal = [r[0] for r in matched if r[1] == top[1]]
        tied = [r[0] for r in matched if r[0] not in equal and r[3] >= top[2]]
        best[e] = (top, equal, tied)

    print("\n**Best at SMGrNN's size** (highest IQM among SMGrNN and the four "
          "methods held to its size; \"CI overlaps\" lists those whose CI reaches the best one's)\n")
    print("| environment | best | IQM [95% CI] | CI overlaps |")
    print("|---|---|---|---|")
    for e in envs:
        (s, v, lo, hi), equal, tied = best[e]
        print("| %s | %s | %.3f [%.3f, %.3f] | %s |" % (e, " = ".join(equal), v, lo, hi, ", ".join(tied) or "none"))


if __name__ == "__main__":
    main()
