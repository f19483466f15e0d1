package framework

import (
	"errors"
	"fmt"
	"io"
	"math"
)

// Size is a student network's size.
type Size struct {
	// Params counts weights and biases.
	Params int `json:"params"`
	// Hidden counts hidden neurons.
	Hidden int `json:"hidden_neurons"`
	// Edges counts weighted connections.
	Edges int `json:"edges"`
}

// Batch is a minibatch of N observations with the teacher's labels.
type Batch struct {
	Obs    []float64
	N      int
	Labels Labels
}

// Student is a network that learns a teacher's policy by distillation.
//
// Output heads: for a Discrete action space the network produces logits,
// trained by cross-entropy to the teacher's action, or by KL divergence to
// the teacher's probabilities when the labels carry them; for a Box action
// space it produces the action mean, trained by mean squared error to the
// teacher's action (or mean) and kept inside the bounds.
type Student interface {
	Policy
	// Train makes one optimizer step on the minibatch and returns the loss
	// before the step.
	Train(b Batch) (loss float64, err error)
	// Size reports the network's current size.
	Size() Size
	// Save writes a checkpoint; Load of it gives identical actions.
	Save(w io.Writer) error
	// Load replaces the student's state by a checkpoint written by Save.
	Load(r io.Reader) error
}

// Portable is implemented by students that can write themselves in arena's
// portable student format (package framework/portable): the network's
// topology and weights, all a program outside arena needs to act as the
// student does. Their Load accepts it too, giving the same actions; the
// optimizer's and any structural statistics start afresh from there.
// Trained students are saved in this form when they have it.
//
// SavePortable of a student that turns out to have no portable form (one
// in a plugin that offers none) writes nothing and returns an error
// wrapping ErrNotPortable.
type Portable interface {
	SavePortable(w io.Writer) error
}

// ErrNotPortable says a student has no portable form.
var ErrNotPortable = errors.New("the student has no portable form")

// BatchTrainer is implemented by students that can take several
// minibatches in one call, as a plugin's student does: a round of updates
// then costs one round trip to its process instead of one per update.
type BatchTrainer interface {
	// TrainBatches does what calling Train on each batch in turn does,
	// writing batch i's loss to losses[i], and stops at the first error.
	// It returns how many batches it trained.
	TrainBatches(batches []Batch, losses []float64) (int, error)
}

// TrainEach is TrainBatches by one Train call per batch, for a
// BatchTrainer that has no cheaper way.
func TrainEach(s Student, batches []Batch, losses []float64) (int, error) {
	for i, b := range batches {
		loss, err := s.Train(b)
		if err != nil {
			return i, err
		}
		losses[i] = loss
	}
	return len(batches), nil
}

// ActingCopier is implemented by students that can copy themselves for
// acting, in process and cheaply. The copy acts exactly as the student
// did when copied, whatever later training does to the student, and may
// act on another goroutine while the student trains. The distillation
// protocol plays its curve's evaluations on such a copy instead of
// loading the student's checkpoint into another student.
type ActingCopier interface {
	ActingCopy() Policy
}

// Structural is implemented by students whose topology changes during
// training.
type Structural interface {
	// StructureEvents counts the structural edits so far, by kind.
	StructureEvents() map[string]int
	// DOT writes the current network in Graphviz DOT.
	DOT(w io.Writer) error
}

// Adam holds the optimizer settings every student of a match shares.
type Adam struct {
	LearningRate float64 `json:"learning_rate" toml:"learning_rate"`
	Beta1        float64 `json:"beta1" toml:"beta1"`
	Beta2        float64 `json:"beta2" toml:"beta2"`
	Epsilon      float64 `json:"epsilon" toml:"epsilon"`
	// GradClip, when positive, rescales the gradient to at most this
	// global L2 norm.
	GradClip float64 `json:"grad_clip" toml:"grad_clip"`
}

// DefaultAdam is PyTorch's Adam default with learning rate 1e-3 and no clip.
func DefaultAdam() Adam {
	return Adam{LearningRate: 1e-3, Beta1: 0.9, Beta2: 0.999, Epsilon: 1e-8}
}

// Validate reports whether a is a usable setting: a positive learning rate,
// betas in [0, 1), a positive epsilon (zero would divide zero by zero for a
// parameter whose gradient has always been zero), and a non-negative clip
// (0 is off), all finite. The error names the setting by its match-file key.
func (a Adam) Validate() error {
	finite := func(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
	switch {
	case !(a.LearningRate > 0) || !finite(a.LearningRate):
		return fmt.Errorf("learning_rate = %v: it must be a positive number", a.LearningRate)
	case !(a.Beta1 >= 0 && a.Beta1 < 1):
		return fmt.Errorf("beta1 = %v: it must be in [0, 1)", a.Beta1)
	case !(a.Beta2 >= 0 && a.Beta2 < 1):
		return fmt.Errorf("beta2 = %v: it must be in [0, 1)", a.Beta2)
	case !(a.Epsilon > 0) || !finite(a.Epsilon):
		return fmt.Errorf("epsilon = %v: it must be a positive number", a.Epsilon)
	case !(a.GradClip >= 0) || !finite(a.GradClip):
		return fmt.Errorf("grad_clip = %v: it must be zero (no clip) or a positive number", a.GradClip)
	}
	return nil
}

// StudentConfig is everything a student is built from.
type StudentConfig struct {
	ObservationSpace Space
	ActionSpace      Space
	Seed             uint64
	Adam             Adam
	// Params holds the kind's own settings (e.g. hidden layers, strategy),
	// as decoded from the match file.
	Params Params
}
