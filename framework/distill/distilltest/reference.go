// Package distilltest holds Reference, the distillation protocol of package
// distill's comment written out literally, for tests only: distill.Run's
// Execute overlaps its calls in several ways (the student acts while the
// teacher labels, labels wait for a batch, evaluations play a copy in the
// background, vectors are made ahead), and comparing it with Reference bit
// for bit is what shows that none of that changes a number.
package distilltest

import (
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/smgrnn/arena/framework"
	"github.com/smgrnn/arena/framework/distill"
	"github.com/smgrnn/arena/framework/rollout"
)

// sample is one labelled state of the buffer.
type sample struct {
	obs    []float64
	labels framework.Labels // one row
}

// Reference runs the protocol of package distill's comment one call after
// the other, with none of Execute's overlaps: it labels every visited
// state at its step, calls the student's Act and Train directly, evaluates
// the student itself, inline, and makes each vector when it needs it. It
// ignores run.TeacherBaseline, run.StudentCopy and run.Progress, and
// leaves Timing zero.
func Reference(run distill.Run) (*distill.Result, error) {
	cfg := run.Config
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	venv, err := run.Env(cfg.Envs)
	if err != nil {
		return nil, err
	}
	defer venv.Close()
	evalVenv, err := run.Env(cfg.EvalCopies())
	if err != nil {
		return nil, err
	}
	defer evalVenv.Close()
	spec := venv.Spec()
	n, od, ad := cfg.Envs, spec.ObservationSpace.Dim(), spec.ActionSpace.Dim()
	seeds := distill.DeriveSeeds(run.Seed, cfg)
	behaviour := rand.New(rand.NewPCG(seeds.Behaviour, 1))
	minibatch := rand.New(rand.NewPCG(seeds.Minibatch, 2))
	res := &distill.Result{Env: spec.ID, Config: cfg, Seeds: seeds, EnvSteps: cfg.EnvSteps,
		Rounds: []distill.Round{}, Curve: []distill.Point{}}
	steps, updates := 0, 0

	// Evaluation: the deterministic student plays EvalEpisodes episodes,
	// episode i from FirstEvalSeed+i.
	evaluate := func() error {
		ep, err := rollout.Evaluate(evalVenv, run.Student, cfg.EvalEpisodes, cfg.FirstEvalSeed())
		if err != nil {
			return err
		}
		res.Curve = append(res.Curve, distill.Point{EnvSteps: steps, Updates: updates,
			ReturnMean: rollout.Mean(ep.Returns), ReturnStd: rollout.Std(ep.Returns), Size: run.Student.Size()})
		return nil
	}

	// Data: a ring of min(BufferSize, EnvSteps) samples; sample t goes to
	// slot t mod capacity, overwriting the oldest when full.
	capacity := min(cfg.BufferSize, cfg.EnvSteps)
	var ring []sample
	written := 0
	add := func(s sample) {
		if len(ring) < capacity {
			ring = append(ring, s)
		} else {
			ring[written%capacity] = s
		}
		written++
	}

	obs, err := venv.Reset(framework.Seed(seeds.TrainReset))
	if err != nil {
		return nil, err
	}
	if err := evaluate(); err != nil {
		return nil, err
	}
	// The rows of the last vector step not yet taken as samples, and
	// whether the teacher chose their behaviour action.
	var waiting []sample
	var waitingTeacher []bool
	nextEval := cfg.EvalEvery
	for round := 0; steps < cfg.EnvSteps; round++ {
		beta := cfg.Beta(round)
		roundEnd := steps + min(cfg.RoundSteps, cfg.EnvSteps-steps)
		added, byTeacher := 0, 0
		for steps < roundEnd {
			if len(waiting) == 0 {
				// Rollouts: one Bernoulli(β) draw per copy, the teacher
				// labels every state, the behaviour action is the
				// teacher's or the student's.
				fromTeacher := make([]bool, n)
				anyStudent := false
				for i := range fromTeacher {
					fromTeacher[i] = behaviour.Float64() < beta
					anyStudent = anyStudent || !fromTeacher[i]
				}
				var lab framework.Labels
				if err := run.Teacher.Label(obs, n, &lab); err != nil {
					return nil, err
				}
				studentActs := make([]float64, n*ad)
				if anyStudent {
					if err := run.Student.Act(obs, n, studentActs); err != nil {
						return nil, err
					}
				}
				actions := make([]float64, n*ad)
				waiting, waitingTeacher = nil, fromTeacher
				for i := range n {
					src := studentActs
					if fromTeacher[i] {
						src = lab.Actions
					}
					copy(actions[i*ad:(i+1)*ad], src[i*ad:(i+1)*ad])
					waiting = append(waiting, sample{obs: clone(obs, i, od), labels: labelRow(lab, i, n)})
				}
				st, err := venv.Step(actions)
				if err != nil {
					return nil, err
				}
				obs = st.Obs
			}
			add(waiting[0])
			if waitingTeacher[0] {
				byTeacher++
			}
			waiting, waitingTeacher = waiting[1:], waitingTeacher[1:]
			added++
			steps++
			// An evaluation due mid-round measures the student as it is.
			if steps == nextEval && steps < roundEnd {
				if err := evaluate(); err != nil {
					return nil, err
				}
				nextEval += cfg.EvalEvery
			}
		}
		rd := distill.Round{Index: round, EnvSteps: steps, Beta: beta,
			TeacherFraction: float64(byTeacher) / float64(added), BufferSize: len(ring)}
		// Training: UpdatesPerRound minibatches of BatchSize drawn
		// uniformly, with replacement, one Train call each.
		sum := 0.0
		for range cfg.UpdatesPerRound {
			b := framework.Batch{N: cfg.BatchSize}
			for range cfg.BatchSize {
				s := ring[minibatch.IntN(len(ring))]
				b.Obs = append(b.Obs, s.obs...)
				b.Labels.Actions = append(b.Labels.Actions, s.labels.Actions...)
				b.Labels.Probs = appendRow(b.Labels.Probs, s.labels.Probs)
				b.Labels.Mean = appendRow(b.Labels.Mean, s.labels.Mean)
				b.Labels.Std = appendRow(b.Labels.Std, s.labels.Std)
			}
			loss, err := run.Student.Train(b)
			if err != nil {
				return nil, err
			}
			if math.IsNaN(loss) || math.IsInf(loss, 0) {
				return nil, fmt.Errorf("student training diverged: loss %v", loss)
			}
			updates++
			sum += loss
		}
		rd.Loss = sum / float64(cfg.UpdatesPerRound)
		res.Rounds = append(res.Rounds, rd)
		// An evaluation that falls on a round's end comes after its
		// training; the one at the end of the budget is the last below.
		if steps == nextEval && steps < cfg.EnvSteps {
			if err := evaluate(); err != nil {
				return nil, err
			}
			nextEval += cfg.EvalEvery
		}
	}
	if err := evaluate(); err != nil {
		return nil, err
	}

	// The final evaluation: the student, the teacher and a seeded random
	// policy play FinalEvalEpisodes episodes from the same seeds.
	finalVenv, err := run.Env(cfg.FinalCopies())
	if err != nil {
		return nil, err
	}
	defer finalVenv.Close()
	final := func(venv framework.VectorEnv, p framework.Policy) (distill.Evaluation, error) {
		ep, err := rollout.Evaluate(venv, p, cfg.FinalEvalEpisodes, cfg.FirstEvalSeed())
		return distill.Evaluation{Seed: cfg.FirstEvalSeed(), ReturnMean: rollout.Mean(ep.Returns),
			ReturnStd: rollout.Std(ep.Returns), Returns: ep.Returns, Lengths: ep.Lengths}, err
	}
	if res.Final, err = final(finalVenv, run.Student); err != nil {
		return nil, err
	}
	if res.Teacher, err = final(finalVenv, run.Teacher); err != nil {
		return nil, err
	}
	if res.Random, err = final(evalVenv, rollout.RandomPolicy(spec.ActionSpace, seeds.Random)); err != nil {
		return nil, err
	}
	res.Updates, res.Size = updates, run.Student.Size()
	if s, ok := run.Student.(framework.Structural); ok {
		res.Events = maps.Clone(s.StructureEvents())
		if res.Events == nil {
			res.Events = map[string]int{}
		}
	}
	return res, nil
}

// clone copies row i of a batch of rows of width d.
func clone(rows []float64, i, d int) []float64 {
	return append([]float64(nil), rows[i*d:(i+1)*d]...)
}

// labelRow copies row i of n labels.
func labelRow(l framework.Labels, i, n int) framework.Labels {
	row := func(v []float64) []float64 {
		if v == nil {
			return nil
		}
		return clone(v, i, len(v)/n)
	}
	return framework.Labels{Actions: row(l.Actions), Probs: row(l.Probs), Mean: row(l.Mean), Std: row(l.Std)}
}

// appendRow appends a label row; a kind of label the teacher does not give
// stays nil.
func appendRow(dst, row []float64) []float64 {
	if row == nil {
		return dst
	}
	return append(dst, row...)
}

// SmallConfig is a short protocol that still exercises every rule: rounds
// and evaluation points that end inside a vector step, an evaluation due
// mid-round, a buffer that wraps, DAgger's mixed behaviour, and a final
// evaluation vector larger than the evaluation vector.
func SmallConfig() distill.Config {
	c := distill.DefaultConfig()
	c.Envs, c.RoundSteps, c.EnvSteps, c.BufferSize = 4, 250, 750, 400
	c.UpdatesPerRound, c.BatchSize = 10, 32
	c.EvalEvery, c.EvalEpisodes, c.FinalEvalEpisodes = 300, 3, 5
	return c
}

// Same fails t unless got and want are the same result to the bit, Timing
// aside.
func Same(t testing.TB, got, want *distill.Result) {
	t.Helper()
	g, w := *got, *want
	g.Timing, w.Timing = distill.Timing{}, distill.Timing{}
	gj, err := json.Marshal(g)
	if err != nil {
		t.Fatalf("marshal: %v", err)
		return
	}
	wj, err := json.Marshal(w)
	if err != nil {
		t.Fatalf("marshal: %v", err)
		return
	}
	if !reflect.DeepEqual(g, w) || string(gj) != string(wj) {
		t.Errorf("Execute and the reference differ:\nExecute   %s\nreference %s", gj, wj)
	}
}
