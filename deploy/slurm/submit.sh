#!/bin/bash
# Submits an arena match to Slurm: a job array with one task per shard,
# then a merge job that runs once every task has succeeded.
#
#   deploy/slurm/submit.sh MATCH.toml OUTDIR SHARDS [sbatch options...]
#
# OUTDIR must be on a path that every node sees. Extra options go to both
# sbatch calls (e.g. --partition=cpu --time=2:00:00). It prints the two job
# ids: "<array id> <merge id>".
set -euo pipefail
if [ $# -lt 3 ]; then
  echo "usage: $0 MATCH.toml OUTDIR SHARDS [sbatch options...]" >&2
  exit 2
fi
match=$(realpath "$1") out=$(realpath -m "$2") shards=$3
shift 3
case $shards in '' | *[!0-9]* | 0) echo "submit.sh: SHARDS must be a positive integer, got '$shards'" >&2; exit 2 ;; esac
[ -f "$match" ] || { echo "submit.sh: match file $match does not exist" >&2; exit 2; }
here=$(dirname "$(realpath "$0")")
mkdir -p "$out"
export ARENA_MATCH="$match" ARENA_OUT="$out" ARENA_SHARDS="$shards"
array=$(sbatch --parsable --array="0-$((shards - 1))" --chdir="$out" --export=ALL "$@" "$here/arena-shard.sbatch")
array=${array%%;*}
merge=$(sbatch --parsable --dependency="afterok:$array" --kill-on-invalid-dep=yes --chdir="$out" --export=ALL "$@" "$here/arena-merge.sbatch")
echo "$array ${merge%%;*}"
