package distill

import (
	"encoding/json"
	"time"

	"github.com/smgrnn/arena/framework"
	"github.com/smgrnn/arena/framework/rollout"
)

// Progress reports how far a run has come.
type Progress struct {
	// EnvSteps is the number of labelled environment steps so far, Budget
	// the run's total.
	EnvSteps, Budget int
	// Rounds is the number of rounds trained so far.
	Rounds int
	// Round is the last round trained; nil when this report is an
	// evaluation.
	Round *Round
	// Eval is the evaluation just made; nil when this report is a round.
	Eval *Point
}

// Round summarises one round of collection and training.
type Round struct {
	// Index counts rounds from 0.
	Index int `json:"round"`
	// EnvSteps is the number of labelled environment steps at the end of
	// the round's collection.
	EnvSteps int `json:"env_steps"`
	// Beta is the round's probability of a teacher action.
	Beta float64 `json:"beta"`
	// TeacherFraction is the share of the round's samples whose behaviour
	// action was the teacher's.
	TeacherFraction float64 `json:"teacher_fraction"`
	// Loss is the mean of the losses Student.Train returned in the round.
	Loss float64 `json:"loss"`
	// BufferSize is the number of samples held after the round's
	// collection.
	BufferSize int `json:"buffer_size"`
}

// Point is one evaluation of the learning and size curves.
type Point struct {
	// EnvSteps and Updates count labelled environment steps and student
	// updates before the evaluation.
	EnvSteps int `json:"env_steps"`
	Updates  int `json:"updates"`
	// ReturnMean and ReturnStd are the mean and population standard
	// deviation of the episodes' returns.
	ReturnMean float64 `json:"return_mean"`
	ReturnStd  float64 `json:"return_std"`
	// Size is the student's size at the evaluation.
	framework.Size
}

// Evaluation is the outcome of one policy's episodes on held-out seeds.
type Evaluation struct {
	// Seed is the reset seed of episode 0; episode i used Seed+i.
	Seed       uint64    `json:"seed"`
	ReturnMean float64   `json:"return_mean"`
	ReturnStd  float64   `json:"return_std"`
	Returns    []float64 `json:"returns"`
	Lengths    []int     `json:"lengths"`
}

func newEvaluation(seed uint64, ep rollout.Episodes) Evaluation {
	return Evaluation{
		Seed:       seed,
		ReturnMean: rollout.Mean(ep.Returns),
		ReturnStd:  rollout.Std(ep.Returns),
		Returns:    ep.Returns,
		Lengths:    ep.Lengths,
	}
}

// Timing breaks a run's wall time down by whom it was spent in. Rollout
// times count collection only; evaluation time is counted apart.
type Timing struct {
	// Env is the time in the training vector environment's Reset and Step.
	Env time.Duration `json:"env_ns"`
	// Teacher is the time the teacher spent labelling.
	Teacher time.Duration `json:"teacher_ns"`
	// StudentAct is the time the student spent choosing behaviour actions.
	StudentAct time.Duration `json:"student_act_ns"`
	// StudentTrain is the time in Student.Train (which includes a
	// structural student's plasticity module).
	StudentTrain time.Duration `json:"student_train_ns"`
	// Eval is the time of the student's evaluations.
	Eval time.Duration `json:"eval_ns"`
	// Baselines is the time of the teacher's and the random policy's
	// evaluations.
	Baselines time.Duration `json:"baselines_ns"`
	// Total is the wall time of Execute; what the fields above do not
	// cover is the protocol's own work (buffer, minibatch gathering).
	Total time.Duration `json:"total_ns"`
}

// Result is everything a run measured. It marshals to JSON; Timing is the
// only part that differs between two runs of the same seed.
type Result struct {
	// Env is the environment's ID.
	Env string `json:"env"`
	// Config is the protocol the run followed.
	Config Config `json:"config"`
	// Seeds lists the seeds used.
	Seeds Seeds `json:"seeds"`
	// EnvSteps is the number of labelled environment steps (the budget)
	// and Updates the number of Student.Train calls.
	EnvSteps int `json:"env_steps"`
	Updates  int `json:"updates"`
	// Rounds summarises every round.
	Rounds []Round `json:"rounds"`
	// Curve holds the evaluations at 0, EvalEvery, 2·EvalEvery, ... env
	// steps and at the end of the budget, each over Config.EvalEpisodes
	// episodes.
	Curve []Point `json:"curve"`
	// Final is the student's final evaluation over FinalEvalEpisodes.
	Final Evaluation `json:"final"`
	// Teacher and Random are the teacher's and a random policy's returns
	// on the final evaluation's seeds: the two ends of the normalised
	// score.
	Teacher Evaluation `json:"teacher"`
	Random  Evaluation `json:"random"`
	// Size is the student's final size.
	Size framework.Size `json:"size"`
	// Events counts a structural student's edits by kind (nil for a fixed
	// network).
	Events map[string]int `json:"structural_events,omitempty"`
	// Timing says where the time went.
	Timing Timing `json:"timing"`
}

// UnmarshalJSON reads a Result, including one written when Events was
// keyed "structure_events", so older files stay readable.
func (r *Result) UnmarshalJSON(b []byte) error {
	type plain Result
	var v struct {
		plain
		Old map[string]int `json:"structure_events"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*r = Result(v.plain)
	if r.Events == nil {
		r.Events = v.Old
	}
	return nil
}
