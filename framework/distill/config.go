package distill

import (
	"fmt"
	"math"
)

// Schedules name the ways the behaviour policy mixes teacher and student.
const (
	// ScheduleTeacher always acts with the teacher (β = 1): behaviour
	// cloning on the teacher's own state distribution.
	ScheduleTeacher = "teacher"
	// ScheduleDAgger acts with the teacher with probability β = decay^round,
	// so the data drifts towards the states the student itself visits
	// (Ross et al., 2011; the imitation library's default schedule).
	ScheduleDAgger = "dagger"
	// ScheduleStudent acts with the teacher in round 0 only (β = 1) and with
	// the student afterwards (β = 0).
	ScheduleStudent = "student"
)

// Schedules lists the valid schedule names.
var Schedules = []string{ScheduleTeacher, ScheduleDAgger, ScheduleStudent}

// maxEnvs bounds the number of environment copies: far above anything
// useful on classic control, low enough that a typo cannot ask for an
// allocation the machine cannot make.
const maxEnvs = 1 << 16

// Config holds the protocol's settings. Every student of a match runs with
// the same Config, which is what makes their numbers comparable. The JSON and
// TOML names are those of a match file's [distill] table.
type Config struct {
	// Envs is the number of environment copies stepped together.
	Envs int `json:"envs" toml:"envs"`
	// Schedule is the β schedule: "teacher", "dagger" or "student".
	Schedule string `json:"schedule" toml:"schedule"`
	// Decay is the DAgger schedule's β ratio per round.
	Decay float64 `json:"decay" toml:"decay"`
	// BufferSize bounds the labelled samples kept; the oldest go first.
	BufferSize int `json:"buffer_size" toml:"buffer_size"`
	// RoundSteps is the number of labelled environment steps (summed over
	// copies) collected per round.
	RoundSteps int `json:"round_steps" toml:"round_steps"`
	// UpdatesPerRound is the number of minibatch updates after each round.
	UpdatesPerRound int `json:"updates_per_round" toml:"updates_per_round"`
	// BatchSize is the number of samples in a minibatch.
	BatchSize int `json:"batch_size" toml:"batch_size"`
	// EnvSteps is the budget: the run ends after this many labelled
	// environment steps.
	EnvSteps int `json:"env_steps" toml:"env_steps"`
	// EvalEvery is the number of environment steps between evaluations.
	EvalEvery int `json:"eval_every" toml:"eval_every"`
	// EvalEpisodes is the number of episodes of each periodic evaluation.
	EvalEpisodes int `json:"eval_episodes" toml:"eval_episodes"`
	// FinalEvalEpisodes is the number of episodes of the final evaluation.
	FinalEvalEpisodes int `json:"final_eval_episodes" toml:"final_eval_episodes"`
	// EvalSeed is the first evaluation reset seed: episode i of every
	// evaluation resets with EvalSeed+i. Zero means EvalSeedBase. Another
	// value gives evaluation states no earlier match (and no tuning) saw;
	// it must be at least EvalSeedBase, so evaluation and training resets
	// never share a seed.
	EvalSeed uint64 `json:"eval_seed,omitempty" toml:"eval_seed"`
}

// maxEvalSeed keeps EvalSeed plus any episode index within the seeds a
// match file can write (TOML integers are int64).
const maxEvalSeed = math.MaxInt64 - 1<<32

// FirstEvalSeed returns the first evaluation reset seed: EvalSeed, or
// EvalSeedBase when it is zero.
func (c Config) FirstEvalSeed() uint64 {
	if c.EvalSeed == 0 {
		return EvalSeedBase
	}
	return c.EvalSeed
}

// DefaultConfig returns the default protocol: 8 copies, DAgger with decay
// 0.5, a 200,000-sample buffer, rounds of 2,000 steps and 200 updates of 256
// samples, a 50,000-step budget, 20 evaluation episodes every 5,000 steps and
// 100 final episodes.
func DefaultConfig() Config {
	return Config{
		Envs:              8,
		Schedule:          ScheduleDAgger,
		Decay:             0.5,
		BufferSize:        200_000,
		RoundSteps:        2_000,
		UpdatesPerRound:   200,
		BatchSize:         256,
		EnvSteps:          50_000,
		EvalEvery:         5_000,
		EvalEpisodes:      20,
		FinalEvalEpisodes: 100,
	}
}

// Validate returns an error naming the first impossible setting, in the
// match file's words.
func (c Config) Validate() error {
	// Each count has an upper bound far above anything useful, low enough
	// that a typo cannot ask for an allocation or a loop the machine cannot
	// finish: the buffer, a minibatch and an evaluation's returns are
	// allocated from these.
	positive := []struct {
		name string
		v    int
		max  int
	}{
		{"envs", c.Envs, maxEnvs},
		{"buffer_size", c.BufferSize, 10_000_000},
		{"round_steps", c.RoundSteps, 100_000_000},
		{"updates_per_round", c.UpdatesPerRound, 10_000_000},
		{"batch_size", c.BatchSize, 1_000_000},
		{"env_steps", c.EnvSteps, 1_000_000_000_000},
		{"eval_every", c.EvalEvery, math.MaxInt}, // beyond env_steps: only the final evaluation
		{"eval_episodes", c.EvalEpisodes, 1_000_000},
		{"final_eval_episodes", c.FinalEvalEpisodes, 1_000_000},
	}
	for _, p := range positive {
		if p.v <= 0 {
			return fmt.Errorf("distill setting %s must be a positive integer, got %d", p.name, p.v)
		}
		if p.v > p.max {
			return fmt.Errorf("distill setting %s must be at most %d, got %d", p.name, p.max, p.v)
		}
	}
	if c.EvalSeed != 0 && (c.EvalSeed < EvalSeedBase || c.EvalSeed > maxEvalSeed) {
		return fmt.Errorf("distill setting eval_seed must lie in [%d, %d], got %d", EvalSeedBase, uint64(maxEvalSeed), c.EvalSeed)
	}
	switch c.Schedule {
	case ScheduleTeacher, ScheduleDAgger, ScheduleStudent:
	default:
		return fmt.Errorf("distill setting schedule must be one of %q, %q, %q, got %q",
			ScheduleTeacher, ScheduleDAgger, ScheduleStudent, c.Schedule)
	}
	if math.IsNaN(c.Decay) || c.Decay < 0 || c.Decay > 1 {
		return fmt.Errorf("distill setting decay must lie in [0, 1], got %v", c.Decay)
	}
	return nil
}

// maxEvalCopies bounds the evaluation vector's size: beyond a few dozen
// rows a batched Act gains little, and each copy may be a plugin's.
const maxEvalCopies = 64

// EvalCopies is the size of the curve's evaluation vector, which the
// random policy plays too: enough copies to play a periodic evaluation in
// one batch, since one Act call on 20 rows costs little more than on 8.
// The student's and teacher's scores do not depend on it (episode i
// resets with seed S+i whatever the number of copies); the random
// policy's do (one draw per copy per step).
func (c Config) EvalCopies() int {
	return max(c.Envs, min(c.EvalEpisodes, maxEvalCopies))
}

// maxFinalCopies bounds the final evaluation's vector.
const maxFinalCopies = 128

// FinalCopies is the size of the final evaluation's vector and of the
// teacher's baseline: every final episode in one batch when they fit, so
// that the final evaluation steps as long as its longest episode rather
// than five times over (100 episodes on 20 copies); through plugins that
// is thousands of round trips fewer. Scores do not depend on it, since
// the student and the teacher act on each observation alone.
func (c Config) FinalCopies() int {
	return max(c.EvalCopies(), min(c.FinalEvalEpisodes, maxFinalCopies))
}

// Beta returns the probability that the teacher, rather than the student,
// picks the behaviour action in round r (counted from 0).
func (c Config) Beta(r int) float64 {
	switch c.Schedule {
	case ScheduleTeacher:
		return 1
	case ScheduleStudent:
		if r == 0 {
			return 1
		}
		return 0
	default:
		return math.Pow(c.Decay, float64(r))
	}
}
