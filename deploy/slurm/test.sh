#!/bin/bash
# Runs deploy/slurm on a real, single-node Slurm cluster started here from
# Debian's packages (slurm-wlm, munge), and checks that a match spread over
# a 4-task job array and merged by a dependent job equals the same match
# run unsharded, run record by run record and in its leaderboard.
#
#   deploy/slurm/test.sh [MATCH.toml]     (default: examples/quick.toml)
#
# It needs root (slurmd starts jobs as their user) and the packages; it
# starts munged, slurmctld and slurmd with a generated configuration in a
# temporary folder, and stops every daemon it started when it exits.
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$(pwd)
match=$(realpath "${1:-examples/quick.toml}")
shards=4
timeout_s=${ARENA_SLURM_TIMEOUT:-900}

secs() { local ms=$((($2 - $1) / 1000000)); printf '%d.%d' $((ms / 1000)) $((ms % 1000 / 100)); }
say() { printf 'slurm test: %s\n' "$*"; }
skip() { say "cannot run: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || skip "needs root to start slurmd and munged"
for b in munged slurmctld slurmd sbatch squeue scontrol sinfo; do
  command -v "$b" >/dev/null || skip "$b not found (apt-get install -y slurm-wlm munge)"
done

work=$(mktemp -d /tmp/arena-slurm.XXXXXX)
chmod 755 "$work"
pids=()
cleanup() {
  local code=$?
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do
    for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$p" 2>/dev/null || true
  done
  if [ $code -ne 0 ]; then
    for f in "$work"/log/*.log "$work"/out/*.out; do
      [ -f "$f" ] && { echo "--- $f"; tail -n 20 "$f"; }
    done
  fi
  rm -rf "$work"
  exit $code
}
trap cleanup EXIT

mkdir -p "$work"/{etc,log,run,spool,state,munge,bin,out}
go build -o "$work/bin/arena" ./cmd/arena

# munge: a fresh key and a private socket, so a system munged is untouched.
dd if=/dev/urandom of="$work/munge/munge.key" bs=1024 count=1 status=none
chmod 700 "$work/munge"
chmod 400 "$work/munge/munge.key"
sock="$work/munge/munge.socket"
munged --foreground --force --key-file="$work/munge/munge.key" --socket="$sock" \
  --pid-file="$work/run/munged.pid" --log-file="$work/log/munged.log" \
  --seed-file="$work/munge/munged.seed" >"$work/log/munged.stdout" 2>&1 &
pids+=($!)

free_port() {
  local p
  for p in $(seq "$1" $(($1 + 100))); do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return; fi
  done
  skip "no free port from $1"
}
ctld_port=$(free_port 16817)
slurmd_port=$(free_port $((ctld_port + 1)))
host=$(hostname -s)
cpus=$(nproc)
mem=$(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 - 512 ))
conf="$work/etc/slurm.conf"
cat >"$conf" <<CONF
ClusterName=arenatest
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$sock
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/run/slurmctld.pid
SlurmdPidFile=$work/run/slurmd.pid
SlurmctldLogFile=$work/log/slurmctld.log
SlurmdLogFile=$work/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
ReturnToService=2
SchedulerType=sched/backfill
SlurmctldTimeout=30
SlurmdTimeout=30
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=arena Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
cp "$conf" "$work/etc/slurm.conf.used"
export SLURM_CONF="$conf"

for _ in $(seq 50); do [ -S "$sock" ] && break; sleep 0.1; done
[ -S "$sock" ] || skip "munged did not start: $(tail -n 3 "$work/log/munged.log" 2>/dev/null | tr '\n' ' ')"
slurmctld -D -i -f "$conf" >"$work/log/slurmctld.stdout" 2>&1 &
pids+=($!)
slurmd -D -f "$conf" -N "$host" >"$work/log/slurmd.stdout" 2>&1 &
pids+=($!)
for _ in $(seq 100); do
  state=$(sinfo -h -n "$host" -o %T 2>/dev/null || true)
  [ "$state" = idle ] && break
  sleep 0.2
done
[ "$state" = idle ] || skip "the node did not become idle (state '$state'): $(tail -n 3 "$work/log/slurmctld.log" "$work/log/slurmd.log" 2>/dev/null | tr '\n' ' ')"
say "cluster up: node $host, $cpus CPUs, slurmctld on port $ctld_port"

# The reference: the same match, unsharded, with the same arena binary.
t0=$(date +%s%N)
"$work/bin/arena" run "$match" --out "$work/out/whole" --format markdown >"$work/out/whole.md"
t1=$(date +%s%N)
say "unsharded run: $(secs "$t0" "$t1") s"

# The array and the merge job, through the script a user runs.
t0=$(date +%s%N)
read -r array merge < <(PATH="$work/bin:$PATH" deploy/slurm/submit.sh "$match" "$work/out/cluster" "$shards" --output="$work/out/%x-%A_%a.out")
say "submitted array job $array ($shards tasks) and merge job $merge"
deadline=$(( $(date +%s) + timeout_s ))
while [ -n "$(squeue -h -j "$array,$merge" -o %i 2>/dev/null)" ]; do
  [ "$(date +%s)" -lt "$deadline" ] || { say "jobs still queued after ${timeout_s}s" >&2; squeue; exit 1; }
  sleep 1
done
t1=$(date +%s%N)
say "4 array tasks plus the merge: $(secs "$t0" "$t1") s (from submission to the merge's end)"

for i in $(seq 0 $((shards - 1))); do
  [ -f "$work/out/cluster/shard-$i/shard.json" ] || { say "shard $i wrote no folder" >&2; exit 1; }
done
[ -f "$work/out/cluster/merged/results.json" ] || { say "the merge job wrote no results.json" >&2; exit 1; }
"$work/bin/arena" status "$work/out/cluster"/shard-*

# Field by field: every run record, and the merged leaderboard.
"$work/bin/arena" diff "$work/out/whole" "$work/out/cluster/merged"
say "passed: the merged match equals the unsharded one"
