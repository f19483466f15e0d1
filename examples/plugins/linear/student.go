package main

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/rand/v2"

	"github.com/smgrnn/arena/framework"
)

// Kind is the student kind the plugin offers.
const Kind = "linear"

// Linear is y = W obs + b. For a Discrete action space y holds the logits
// (cross-entropy to the teacher's action, or KL divergence to its
// probabilities); for a Box action space y is the action mean, trained by
// mean squared error and clipped to the bounds when acting.
type Linear struct {
	// W is out×in row-major, B has out entries.
	W, B []float64
	// Adam moments and step count.
	MW, VW, MB, VB []float64
	T              int

	in, out  int
	discrete *framework.Discrete
	box      *framework.Box
	adam     framework.Adam
	y        []float64 // scratch: one row of outputs
}

// New builds a linear student. Settings: "init_scale" (float, default
// 0.1), the standard deviation of the initial weights.
func New(cfg framework.StudentConfig) (*Linear, error) {
	if err := cfg.Params.CheckKnown("init_scale"); err != nil {
		return nil, err
	}
	scale, err := cfg.Params.Float("init_scale", 0.1)
	if err != nil {
		return nil, err
	}
	if scale < 0 || math.IsNaN(scale) {
		return nil, fmt.Errorf("init_scale must be non-negative, got %v", scale)
	}
	if cfg.ObservationSpace == nil || cfg.ActionSpace == nil {
		return nil, fmt.Errorf("linear student needs observation and action spaces")
	}
	l := &Linear{in: cfg.ObservationSpace.Dim(), adam: cfg.Adam}
	switch a := cfg.ActionSpace.(type) {
	case *framework.Discrete:
		l.discrete, l.out = a, a.N
	case *framework.Box:
		l.box, l.out = a, a.Dim()
	default:
		return nil, fmt.Errorf("linear student cannot act in %s", cfg.ActionSpace)
	}
	rng := rand.New(rand.NewPCG(cfg.Seed, 0x6c696e))
	l.W = make([]float64, l.out*l.in)
	for i := range l.W {
		l.W[i] = scale * rng.NormFloat64()
	}
	l.B = make([]float64, l.out)
	l.MW, l.VW = make([]float64, len(l.W)), make([]float64, len(l.W))
	l.MB, l.VB = make([]float64, l.out), make([]float64, l.out)
	l.y = make([]float64, l.out)
	return l, nil
}

func (l *Linear) forward(o []float64) []float64 {
	for j := range l.out {
		s := l.B[j]
		row := l.W[j*l.in : (j+1)*l.in]
		for i, x := range o {
			s += row[i] * x
		}
		l.y[j] = s
	}
	return l.y
}

// Act implements framework.Policy.
func (l *Linear) Act(obs []float64, n int, actions []float64) error {
	k := 1
	if l.box != nil {
		k = l.out
	}
	if len(obs) != n*l.in || len(actions) != n*k {
		return fmt.Errorf("linear act: %d observation values and room for %d actions for %d rows", len(obs), len(actions), n)
	}
	for r := range n {
		y := l.forward(obs[r*l.in : (r+1)*l.in])
		if l.discrete != nil {
			best := 0
			for j := range y {
				if y[j] > y[best] {
					best = j
				}
			}
			actions[r] = float64(l.discrete.Start + best)
			continue
		}
		for j := range y {
			actions[r*k+j] = math.Max(l.box.Low[j], math.Min(l.box.High[j], y[j]))
		}
	}
	return nil
}

// Train implements framework.Student: one Adam step on the minibatch.
func (l *Linear) Train(b framework.Batch) (float64, error) {
	if b.N <= 0 || len(b.Obs) != b.N*l.in {
		return 0, fmt.Errorf("linear train: %d observation values for %d rows of %d", len(b.Obs), b.N, l.in)
	}
	gw, gb := make([]float64, len(l.W)), make([]float64, l.out)
	dy := make([]float64, l.out)
	loss := 0.0
	for r := range b.N {
		o := b.Obs[r*l.in : (r+1)*l.in]
		y := l.forward(o)
		if l.discrete != nil {
			loss += l.crossEntropy(y, b.Labels, r, dy)
		} else {
			target := b.Labels.Actions
			if b.Labels.Mean != nil {
				target = b.Labels.Mean
			}
			for j := range y {
				d := y[j] - target[r*l.out+j]
				loss += d * d / float64(l.out)
				dy[j] = 2 * d / float64(l.out)
			}
		}
		for j := range l.out {
			gb[j] += dy[j]
			for i, x := range o {
				gw[j*l.in+i] += dy[j] * x
			}
		}
	}
	inv := 1 / float64(b.N)
	for i := range gw {
		gw[i] *= inv
	}
	for j := range gb {
		gb[j] *= inv
	}
	l.step(gw, gb)
	return loss * inv, nil
}

// crossEntropy writes d loss / d logits of row r into dy and returns the
// row's loss: against the teacher's probabilities when given, else its
// action.
func (l *Linear) crossEntropy(y []float64, lab framework.Labels, r int, dy []float64) float64 {
	m := math.Inf(-1)
	for _, v := range y {
		m = math.Max(m, v)
	}
	z := 0.0
	for _, v := range y {
		z += math.Exp(v - m)
	}
	logZ := m + math.Log(z)
	loss := 0.0
	for j := range y {
		p := math.Exp(y[j] - logZ)
		var target float64
		if lab.Probs != nil {
			target = lab.Probs[r*l.out+j]
		} else if int(lab.Actions[r])-l.discrete.Start == j {
			target = 1
		}
		if target > 0 {
			loss -= target * (y[j] - logZ - math.Log(target))
		}
		dy[j] = p - target
	}
	return loss
}

// step applies Adam (with optional global-norm clipping) to W and B.
func (l *Linear) step(gw, gb []float64) {
	a := l.adam
	if a.GradClip > 0 {
		norm := 0.0
		for _, g := range gw {
			norm += g * g
		}
		for _, g := range gb {
			norm += g * g
		}
		if norm = math.Sqrt(norm); norm > a.GradClip {
			s := a.GradClip / norm
			for i := range gw {
				gw[i] *= s
			}
			for i := range gb {
				gb[i] *= s
			}
		}
	}
	l.T++
	c1 := 1 - math.Pow(a.Beta1, float64(l.T))
	c2 := 1 - math.Pow(a.Beta2, float64(l.T))
	update := func(p, m, v, g []float64) {
		for i := range p {
			m[i] = a.Beta1*m[i] + (1-a.Beta1)*g[i]
			v[i] = a.Beta2*v[i] + (1-a.Beta2)*g[i]*g[i]
			p[i] -= a.LearningRate * (m[i] / c1) / (math.Sqrt(v[i]/c2) + a.Epsilon)
		}
	}
	update(l.W, l.MW, l.VW, gw)
	update(l.B, l.MB, l.VB, gb)
}

// Size implements framework.Student: no hidden neurons, one edge per
// weight.
func (l *Linear) Size() framework.Size {
	return framework.Size{Params: len(l.W) + len(l.B), Hidden: 0, Edges: len(l.W)}
}

// checkpoint is what Save writes.
type checkpoint struct {
	In, Out        int
	W, B           []float64
	MW, VW, MB, VB []float64
	T              int
}

// Save implements framework.Student.
func (l *Linear) Save(w io.Writer) error {
	return json.NewEncoder(w).Encode(checkpoint{In: l.in, Out: l.out, W: l.W, B: l.B, MW: l.MW, VW: l.VW, MB: l.MB, VB: l.VB, T: l.T})
}

// Load implements framework.Student; the checkpoint must be of a student
// with the same spaces.
func (l *Linear) Load(r io.Reader) error {
	var c checkpoint
	if err := json.NewDecoder(r).Decode(&c); err != nil {
		return fmt.Errorf("linear checkpoint: %w", err)
	}
	n := l.in * l.out
	if c.In != l.in || c.Out != l.out || len(c.W) != n || len(c.MW) != n || len(c.VW) != n ||
		len(c.B) != l.out || len(c.MB) != l.out || len(c.VB) != l.out {
		return fmt.Errorf("linear checkpoint is for %d inputs and %d outputs, this student has %d and %d", c.In, c.Out, l.in, l.out)
	}
	l.W, l.B, l.MW, l.VW, l.MB, l.VB, l.T = c.W, c.B, c.MW, c.VW, c.MB, c.VB, c.T
	return nil
}
