package ppo

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/smgrnn/arena/agents/activation"
	"github.com/smgrnn/arena/agents/mlp"
	"github.com/smgrnn/arena/framework"
)

// obsClip bounds normalised observations, as Gymnasium's
// NormalizeObservation wrapper does in CleanRL and Stable-Baselines3.
const obsClip = 10.0

// normEpsilon keeps the normalisation's division finite for a constant
// observation component.
const normEpsilon = 1e-8

// ObsNorm holds running statistics of the observations (mean and
// population variance per component, with the count they were computed
// from), updated while training and frozen in a saved model.
type ObsNorm struct {
	Mean  []float64 `json:"mean"`
	Var   []float64 `json:"var"`
	Count float64   `json:"count"`
}

// newObsNorm starts the statistics like Gymnasium's RunningMeanStd: mean 0,
// variance 1, a tiny count so the first batch dominates.
func newObsNorm(dim int) *ObsNorm {
	n := &ObsNorm{Mean: make([]float64, dim), Var: make([]float64, dim), Count: 1e-4}
	for i := range n.Var {
		n.Var[i] = 1
	}
	return n
}

// update merges a batch of n observations into the statistics with Chan's
// parallel formula (the same as RunningMeanStd.update_from_moments).
func (o *ObsNorm) update(obs []float64, n int) {
	d := len(o.Mean)
	if n == 0 {
		return
	}
	for k := 0; k < d; k++ {
		m := 0.0
		for i := 0; i < n; i++ {
			m += obs[i*d+k]
		}
		m /= float64(n)
		v := 0.0
		for i := 0; i < n; i++ {
			x := obs[i*d+k] - m
			v += x * x
		}
		v /= float64(n)
		delta := m - o.Mean[k]
		tot := o.Count + float64(n)
		o.Mean[k] += delta * float64(n) / tot
		m2 := o.Var[k]*o.Count + v*float64(n) + delta*delta*o.Count*float64(n)/tot
		o.Var[k] = m2 / tot
	}
	o.Count += float64(n)
}

// apply writes the normalised observations (clipped to ±obsClip) into dst.
func (o *ObsNorm) apply(obs, dst []float64, n int) {
	d := len(o.Mean)
	for i := 0; i < n*d; i++ {
		k := i % d
		dst[i] = clamp((obs[i]-o.Mean[k])/math.Sqrt(o.Var[k]+normEpsilon), -obsClip, obsClip)
	}
}

// Model is a PPO actor-critic: separate actor and critic MLPs over the
// (optionally normalised) observation. For a Discrete action space the
// actor outputs one logit per action (a categorical policy); for a Box it
// outputs the Gaussian's mean and LogStd holds a state-independent log
// standard deviation per action dimension.
//
// A Model is a framework.Teacher. Its Act is deterministic: the most
// probable action, or the mean clipped to the action bounds. It is not safe
// for concurrent use (the networks cache their activations).
type Model struct {
	env      string
	obsSpace framework.Space
	actSpace framework.Space
	hidden   []int
	actor    *mlp.Network
	critic   *mlp.Network
	logStd   []float64 // Box only
	norm     *ObsNorm  // nil without normalisation
	nobs     []float64 // scratch: normalised observations
}

// newModel builds a freshly initialised model for an environment's spaces.
// Hidden layers use tanh; the weights are orthogonal with gain √2, the
// actor's output layer gain 0.01 (a near-uniform first policy) and the
// critic's 1, biases zero — CleanRL's layer_init, which matters for PPO
// more than the default uniform initialisation does.
func newModel(spec framework.EnvSpec, hidden []int, normObs bool, initLogStd float64, rng *rand.Rand) (*Model, error) {
	if err := checkSpaces(spec); err != nil {
		return nil, err
	}
	for _, h := range hidden {
		if h <= 0 {
			return nil, fmt.Errorf("hidden layer sizes must be positive, got %v", hidden)
		}
	}
	m := &Model{env: spec.ID, obsSpace: spec.ObservationSpace, actSpace: spec.ActionSpace, hidden: append([]int(nil), hidden...)}
	in := spec.ObservationSpace.Dim()
	sizes := func(out int) []int { return append(append([]int{in}, hidden...), out) }
	var err error
	if m.actor, err = mlp.NewNetwork(sizes(actorOutputs(spec.ActionSpace)), activation.Tanh, rng); err != nil {
		return nil, fmt.Errorf("actor: %w", err)
	}
	if m.critic, err = mlp.NewNetwork(sizes(1), activation.Tanh, rng); err != nil {
		return nil, fmt.Errorf("critic: %w", err)
	}
	orthogonalInit(m.actor, 0.01, rng)
	orthogonalInit(m.critic, 1, rng)
	if _, ok := spec.ActionSpace.(*framework.Box); ok {
		m.logStd = make([]float64, spec.ActionSpace.Dim())
		for i := range m.logStd {
			m.logStd[i] = initLogStd
		}
	}
	if normObs {
		m.norm = newObsNorm(in)
	}
	return m, nil
}

// checkSpaces accepts the spaces PPO can handle: any observation space of
// positive dimension, and a Discrete or bounded Box action space.
func checkSpaces(spec framework.EnvSpec) error {
	if err := framework.Validate(spec.ObservationSpace); err != nil {
		return fmt.Errorf("%s observation space: %w", spec.ID, err)
	}
	if err := framework.Validate(spec.ActionSpace); err != nil {
		return fmt.Errorf("%s action space: %w", spec.ID, err)
	}
	switch a := spec.ActionSpace.(type) {
	case *framework.Discrete:
	case *framework.Box:
		if !a.Bounded() {
			return fmt.Errorf("PPO needs a bounded action space, %s has %s", spec.ID, a)
		}
	default:
		return fmt.Errorf("PPO handles Discrete and Box action spaces, %s has %s", spec.ID, a)
	}
	return nil
}

// actorOutputs is the actor's output width: one logit per class, or one
// mean per action dimension.
func actorOutputs(act framework.Space) int {
	if d, ok := act.(*framework.Discrete); ok {
		return d.N
	}
	return act.Dim()
}

// orthogonalInit sets every weight matrix of net to a (semi-)orthogonal
// matrix scaled by √2 — the last by lastGain — and every bias to zero.
func orthogonalInit(net *mlp.Network, lastGain float64, rng *rand.Rand) {
	sizes := net.Sizes()
	for l := 0; l+1 < len(sizes); l++ {
		w, b := net.Layer(l)
		gain := math.Sqrt2
		if l+2 == len(sizes) {
			gain = lastGain
		}
		orthogonal(w, sizes[l+1], sizes[l], gain, rng)
		clear(b)
	}
}

// orthogonal fills w (rows × cols, row major) with gain times a matrix
// whose rows (if rows ≤ cols) or columns (otherwise) are orthonormal, by
// Gram–Schmidt on Gaussian vectors, like torch.nn.init.orthogonal_.
func orthogonal(w []float64, rows, cols int, gain float64, rng *rand.Rand) {
	// Work on the wide orientation: k vectors of length n with k ≤ n.
	k, n := rows, cols
	transpose := rows > cols
	if transpose {
		k, n = cols, rows
	}
	q := make([]float64, k*n)
	for i := range q {
		q[i] = rng.NormFloat64()
	}
	for i := 0; i < k; i++ {
		v := q[i*n : (i+1)*n]
		for j := 0; j < i; j++ {
			u := q[j*n : (j+1)*n]
			d := 0.0
			for t := range v {
				d += v[t] * u[t]
			}
			for t := range v {
				v[t] -= d * u[t]
			}
		}
		norm := 0.0
		for _, x := range v {
			norm += x * x
		}
		norm = math.Sqrt(norm)
		for t := range v {
			v[t] /= norm
		}
	}
	for r := 0; r < rows; r++ {
		for c := 0; c < cols; c++ {
			if transpose {
				w[r*cols+c] = gain * q[c*n+r]
			} else {
				w[r*cols+c] = gain * q[r*n+c]
			}
		}
	}
}

// Env is the ID of the environment the model was made for.
func (m *Model) Env() string { return m.env }

// Spaces implements framework.Teacher.
func (m *Model) Spaces() (obs, act framework.Space) { return m.obsSpace, m.actSpace }

// prepare checks a batch and returns the actor's input: the observations,
// normalised when the model normalises.
func (m *Model) prepare(obs []float64, n int) ([]float64, error) {
	d := m.obsSpace.Dim()
	if n < 0 || len(obs) < n*d {
		return nil, fmt.Errorf("ppo teacher for %s: %d observation values for %d rows of %d", m.env, len(obs), n, d)
	}
	obs = obs[:n*d]
	if m.norm == nil {
		return obs, nil
	}
	m.nobs = framework.Resize(m.nobs, n*d)
	m.norm.apply(obs, m.nobs, n)
	return m.nobs, nil
}

// Act implements framework.Policy: the most probable class, or the mean
// clipped to the action bounds.
func (m *Model) Act(obs []float64, n int, actions []float64) error {
	x, err := m.prepare(obs, n)
	if err != nil {
		return err
	}
	ad := m.actSpace.Dim()
	if len(actions) < n*ad {
		return fmt.Errorf("ppo teacher for %s: %d action values for %d rows of %d", m.env, len(actions), n, ad)
	}
	if n == 0 {
		return nil
	}
	out := m.actor.Forward(x, n)
	m.actions(out, n, actions)
	return nil
}

// actions turns actor outputs into deterministic actions.
func (m *Model) actions(out []float64, n int, actions []float64) {
	switch a := m.actSpace.(type) {
	case *framework.Discrete:
		for i := 0; i < n; i++ {
			actions[i] = float64(a.Start + argmax(out[i*a.N:(i+1)*a.N]))
		}
	case *framework.Box:
		d := a.Dim()
		for i := 0; i < n*d; i++ {
			actions[i] = clamp(out[i], a.Low[i%d], a.High[i%d])
		}
	}
}

// Label implements framework.Teacher: the actions of Act, with the class
// probabilities (Discrete) or the Gaussian's mean and standard deviation
// (Box; the mean is not clipped, it describes the distribution).
func (m *Model) Label(obs []float64, n int, out *framework.Labels) error {
	x, err := m.prepare(obs, n)
	if err != nil {
		return err
	}
	ad := m.actSpace.Dim()
	out.Actions = framework.Resize(out.Actions, n*ad)
	// Keep the capacity of the slices this teacher does not fill apart.
	probs, mean, std := out.Probs, out.Mean, out.Std
	out.Probs, out.Mean, out.Std = nil, nil, nil
	var raw []float64
	if n > 0 {
		raw = m.actor.Forward(x, n)
	}
	m.actions(raw, n, out.Actions)
	switch a := m.actSpace.(type) {
	case *framework.Discrete:
		out.Probs = framework.Resize(probs, n*a.N)
		for i := 0; i < n; i++ {
			softmax(raw[i*a.N:(i+1)*a.N], out.Probs[i*a.N:(i+1)*a.N])
		}
	case *framework.Box:
		out.Mean = framework.Resize(mean, n*ad)
		out.Std = framework.Resize(std, n*ad)
		copy(out.Mean, raw)
		for i := range out.Std {
			out.Std[i] = math.Exp(m.logStd[i%ad])
		}
	}
	return nil
}

// argmax returns the index of the largest value (the first on ties).
func argmax(x []float64) int {
	best := 0
	for i, v := range x {
		if v > x[best] {
			best = i
		}
	}
	return best
}

// softmax writes the probabilities of logits into p, stably.
func softmax(logits, p []float64) {
	mx := logits[argmax(logits)]
	s := 0.0
	for i, z := range logits {
		p[i] = math.Exp(z - mx)
		s += p[i]
	}
	for i := range p {
		p[i] /= s
	}
}

func clamp(x, lo, hi float64) float64 { return math.Min(math.Max(x, lo), hi) }

// errNoShipped is returned for an environment without a shipped checkpoint.
var errNoShipped = errors.New("no shipped PPO checkpoint")
