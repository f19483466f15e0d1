// Package mujoco holds Gymnasium 1.4's MuJoCo environments in their v5
// versions — InvertedPendulum, InvertedDoublePendulum, Reacher, Swimmer,
// Hopper, HalfCheetah, Walker2d and Ant — on MuJoCo's C API through cgo,
// with Gymnasium's model files embedded.
//
// Each environment follows its Gymnasium <name>_v5.py with the default
// arguments: the observation layout, the reset noise drawn from the seed's
// numpy stream (SeedSequence → PCG64) in Gymnasium's order, the reward
// terms (RewardTerms gives them under Gymnasium's info keys), the
// health and termination rules, frame_skip, and the time limit of the
// registration (1000 steps; Reacher 50). The physics is MuJoCo 2.2.2's
// (Debian's libmujoco-dev), not the MuJoCo 3 Gymnasium 1.4 runs on, so
// trajectories are not Gymnasium's to the bit; the rules are, and the
// tests check each against values worked out by hand from qpos and qvel.
//
// The rules are pure Go. The simulation needs cgo and libmujoco, and is
// built only with the mujoco build tag:
//
//	CGO_ENABLED=1 go build -tags mujoco -o bin/arena-mujoco ./envs/mujoco/cmd/arena-mujoco
//
// Without the tag (or without cgo) the package still builds and its rule
// tests run, New fails with ErrNotBuilt, and the plugin binary says how to
// build it. arena itself never links MuJoCo: it reaches these
// environments through the arena-mujoco plugin (arena ... --plugin PATH).
package mujoco
