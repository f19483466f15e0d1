#!/usr/bin/env python3
"""Summarise tuning runs: per environment and student, the IQM over seeds of
the normalised score (the issue's bar: >= 0.95), the mean normalised score,
the mean parameter count and the worst seed.

usage: python3 summarize.py RUN_DIR [RUN_DIR...]   (folders made by `arena run`)
"""
import json
import sys


for d in sys.argv[1:]:
    res = json.load(open(d + "/results.json"))
    board = {(r["env"], r["student"]): r for r in res["leaderboard"]}
    runs = {}
    for r in res["runs"]:
        runs.setdefault((r["env"], r["student"]), []).append(r)
    print(f"## {d}")
    print(f"{'env':26} {'student':22} {'IQM norm':>8} {'mean':>6} {'min':>6} {'params':>7}")
    for (env, st), b in board.items():
        norms = [r.get("normalized", float("nan")) for r in runs.get((env, st), [])]
        print(f"{env:26} {st:22} {b['normalized_iqm']:8.3f} {b['normalized_mean']:6.3f} "
              f"{min(norms) if norms else float('nan'):6.3f} {b['params_mean']:7.0f}")
