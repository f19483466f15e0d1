#!/bin/sh
# Runs the DAgger job of cartpole-dagger.toml and acrobot-dagger.toml in
# arena (in process and with plugin processes) and in Gymnasium + PyTorch
# (dagger_torch.py), interleaved, and prints one line per job: its wall
# and CPU (user+sys) seconds and the load average when it started. See
# docs/speed.md.
#
#   benchmarks/compare.sh ARENA OUTDIR [REPEATS [SITE]]
#
# ARENA is a built arena binary, OUTDIR a scratch folder for the match
# results, SITE the folder holding Gymnasium (default ../shared/python/site).
set -eu
arena=$1
out=$2
repeats=${3:-2}
site=${4:-../shared/python/site}
here=$(dirname "$0")
mkdir -p "$out"

job() { # name command...
	name=$1
	shift
	load=$(cut -d' ' -f1-3 /proc/loadavg)
	/usr/bin/time -o "$out/$name.time" -f '%e %U %S' "$@" >"$out/$name.out" 2>"$out/$name.err"
	t=$(tail -n 1 "$out/$name.time")
	echo "$t" | awk -v n="$name" -v l="$load" '{ printf "%-28s wall %7.1f s  cpu %7.1f s  load %s\n", n, $1, $2 + $3, l }'
}

for r in $(seq 1 "$repeats"); do
	for env in cartpole acrobot; do
		id=CartPole-v1
		[ "$env" = acrobot ] && id=Acrobot-v1
		job "$env-torch-$r" env PYTHONPATH="$site" /usr/bin/python3 "$here/dagger_torch.py" --env "$id"
		job "$env-arena-inproc-$r" "$arena" run "$here/$env-dagger.toml" --in-process --out "$out/$env-inproc-$r"
		job "$env-arena-plugins-$r" "$arena" run "$here/$env-dagger.toml" --out "$out/$env-plugins-$r"
	done
done
