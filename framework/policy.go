package framework

// Policy maps a batch of observations to deterministic actions.
type Policy interface {
	// Act writes the action for each of the n observations in obs (n rows of
	// the observation space's Dim values) into actions (n rows of the action
	// space's Dim values). A row's action depends on its own observation
	// only, to the bit: the protocol batches observations as suits it (see
	// distill), and results must not depend on how.
	Act(obs []float64, n int, actions []float64) error
}

// ActStarter is implemented by policies whose Act can be split in two, as
// a plugin's policy can: StartAct sends the observations and returns
// without waiting, FinishAct waits for the actions. A caller does other
// work in between (the distillation protocol has the teacher label the
// same states), with no goroutine to hand the call to; on a machine whose
// idle cores sleep deeply, that hand-off costs as much as another round
// trip. StartAct then FinishAct does exactly what Act does.
type ActStarter interface {
	Policy
	// StartAct begins Act on the n observations in obs, which must not
	// change until FinishAct returns. Only one Act may be in flight; after
	// StartAct returns nil the caller must call FinishAct.
	StartAct(obs []float64, n int) error
	// FinishAct waits for the started Act and writes its actions.
	FinishAct(actions []float64) error
}

// Labels are a teacher's targets for a batch of n observations.
type Labels struct {
	// Actions holds n rows of the action space's Dim values: the action the
	// teacher takes.
	Actions []float64
	// Probs holds, for a Discrete action space, n rows of N class
	// probabilities; nil when the teacher gives none.
	Probs []float64
	// Mean and Std hold, for a Box action space, n rows of the Gaussian's
	// mean and standard deviation; nil when the teacher gives none.
	Mean, Std []float64
}

// Soft reports whether the labels carry a distribution besides the actions.
func (l *Labels) Soft() bool { return l.Probs != nil || l.Mean != nil }

// Teacher is a Policy that labels observations for distillation and may
// give the distribution behind its actions, so students can learn from soft
// targets.
type Teacher interface {
	Policy
	// Spaces returns the teacher's observation and action spaces.
	Spaces() (obs, act Space)
	// Label fills out for the n observations: Actions always, and Probs or
	// Mean and Std when the teacher has them (otherwise they are set to
	// nil). It reuses the capacity of out's slices. As with Act, a row's
	// labels depend on its own observation only.
	Label(obs []float64, n int, out *Labels) error
}

// Resize returns s with length n, reusing its capacity when it can.
func Resize(s []float64, n int) []float64 {
	if cap(s) >= n {
		return s[:n]
	}
	return make([]float64, n)
}
