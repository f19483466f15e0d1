package mlp

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/smgrnn/arena/agents/activation"
	"github.com/smgrnn/arena/agents/adam"
	"github.com/smgrnn/arena/agents/head"
	"github.com/smgrnn/arena/agents/obsscale"
	"github.com/smgrnn/arena/framework"
)

// Kind is the student kind under which the MLP registers.
const Kind = "mlp"

// DefaultHidden is the default hidden layer sizes: 64×64, the usual
// reinforcement-learning default.
var DefaultHidden = []int{64, 64}

// seedStream separates the MLP's random stream from other users of the same
// seed (PCG's second word), so a student and, say, an environment seeded
// alike do not draw identical numbers.
const seedStream = 0x6d6c70 // "mlp"

func init() {
	framework.RegisterStudent(Kind, func(cfg framework.StudentConfig) (framework.Student, error) {
		return New(cfg)
	})
	framework.RegisterStudentSizer(Kind, paramsBound)
}

// Student is the MLP baseline student: a Network whose outputs go through
// the shared head, trained by Adam.
//
// Settings (cfg.Params): "hidden", a list of hidden layer sizes (default
// [64, 64]; [] gives a linear policy), "activation", one of "tanh"
// (default), "relu", "sigmoid", and "scale_inputs" (default false), which
// maps every bounded observation dimension onto [-1, 1] as SMGrNN does by
// default (agents/obsscale), for comparisons that give both the same
// inputs, and "skip" (default false), which adds a linear map from the
// (scaled) inputs straight to the outputs, the input→output edges
// SMGrNN's initial topology has. Unknown settings are an error. A zero cfg.Adam means
// framework.DefaultAdam().
//
// A Student is not safe for concurrent use (Act and Train share the
// network's activation buffers).
type Student struct {
	obs, act framework.Space
	seed     uint64
	hidden   []int
	net      *Network
	in       *obsscale.Scaler // identity unless scale_inputs
	scale    bool
	head     *head.Head
	opt      *adam.Adam
	// skip is nil unless the skip setting is on; then Adam holds the
	// network's parameters followed by the skip weights (in all).
	skip      *skip
	all, out  []float64
	allGrads  []float64
	lastInput []float64

	grads, gradOut []float64
}

var (
	_ framework.Student      = (*Student)(nil)
	_ framework.ActingCopier = (*Student)(nil)
)

// New builds an MLP student from its configuration; the seed fixes the
// initial weights.
func New(cfg framework.StudentConfig) (*Student, error) {
	if err := cfg.Params.CheckKnown("activation", "hidden", "scale_inputs", "skip"); err != nil {
		return nil, fmt.Errorf("mlp: %w", err)
	}
	hidden, err := cfg.Params.Ints("hidden", DefaultHidden)
	if err != nil {
		return nil, fmt.Errorf("mlp: %w", err)
	}
	for _, h := range hidden {
		if h <= 0 {
			return nil, fmt.Errorf("mlp: hidden layer sizes must be positive, got %v", hidden)
		}
	}
	actName, err := cfg.Params.String("activation", activation.Tanh.String())
	if err != nil {
		return nil, fmt.Errorf("mlp: %w", err)
	}
	act, err := activation.Parse(actName)
	if err != nil {
		return nil, fmt.Errorf("mlp: %w", err)
	}
	scale, err := cfg.Params.Bool("scale_inputs", false)
	if err != nil {
		return nil, fmt.Errorf("mlp: %w", err)
	}
	withSkip, err := cfg.Params.Bool("skip", false)
	if err != nil {
		return nil, fmt.Errorf("mlp: %w", err)
	}
	if err := framework.Validate(cfg.ObservationSpace); err != nil {
		return nil, fmt.Errorf("mlp: observation space: %w", err)
	}
	h, err := head.New(cfg.ActionSpace)
	if err != nil {
		return nil, fmt.Errorf("mlp: %w", err)
	}
	opt := cfg.Adam
	if opt == (framework.Adam{}) {
		opt = framework.DefaultAdam()
	}
	if err := opt.Validate(); err != nil {
		return nil, fmt.Errorf("mlp: %w", err)
	}
	sizes := append(append([]int{cfg.ObservationSpace.Dim()}, hidden...), h.Outputs())
	net, err := NewNetwork(sizes, act, rand.New(rand.NewPCG(cfg.Seed, seedStream)))
	if err != nil {
		return nil, err
	}
	var sk *skip
	nOpt := net.NumParams()
	if withSkip {
		sk = newSkip(sizes[0], sizes[len(sizes)-1], cfg.Seed)
		nOpt += len(sk.w)
	}
	return &Student{
		skip:   sk,
		obs:    cfg.ObservationSpace,
		act:    cfg.ActionSpace,
		seed:   cfg.Seed,
		hidden: append([]int{}, hidden...),
		net:    net,
		in:     obsscale.New(cfg.ObservationSpace, cfg.ObservationSpace.Dim(), scale),
		scale:  scale,
		head:   h,
		opt:    adam.New(opt, nOpt),
		grads:  make([]float64, net.NumParams()),
	}, nil
}

// Network returns the student's network (its parameters are live).
func (s *Student) Network() *Network { return s.net }

// Act implements framework.Policy: the head's deterministic action for each
// observation.
func (s *Student) Act(obs []float64, n int, actions []float64) error {
	if n < 0 {
		return fmt.Errorf("mlp: negative batch size %d", n)
	}
	if want := n * s.obs.Dim(); len(obs) != want {
		return fmt.Errorf("mlp: Act got %d observation values for %d samples, want %d", len(obs), n, want)
	}
	if want := n * s.head.ActionDim(); len(actions) != want {
		return fmt.Errorf("mlp: Act got room for %d action values for %d samples, want %d", len(actions), n, want)
	}
	if n == 0 {
		return nil
	}
	s.head.Actions(s.forward(s.in.Apply(obs), n), n, actions)
	return nil
}

// ActingCopy implements framework.ActingCopier: a student with copies of
// the weights (and buffers of its own) but no optimizer, which acts as s
// does now.
func (s *Student) ActingCopy() framework.Policy {
	c := &Student{
		obs: s.obs, act: s.act, seed: s.seed, hidden: s.hidden,
		net:   s.net.clone(),
		in:    obsscale.New(s.obs, s.obs.Dim(), s.scale),
		scale: s.scale,
		head:  s.head,
	}
	if s.skip != nil {
		c.skip = &skip{in: s.skip.in, out: s.skip.out, w: slices.Clone(s.skip.w)}
	}
	return c
}

// forward is the network's forward pass plus the skip map when on.
func (s *Student) forward(x []float64, n int) []float64 {
	raw := s.net.Forward(x, n)
	if s.skip == nil {
		return raw
	}
	s.out = grow(s.out, len(raw))
	copy(s.out, raw)
	s.skip.forward(x, s.out, n)
	s.lastInput = x
	return s.out
}

// Train implements framework.Student: forward, head loss, backward and one
// Adam step; it returns the loss before the step. Non-finite observations
// are an error; a non-finite loss or gradient is an error and the step is
// skipped, so one bad batch cannot poison the weights.
func (s *Student) Train(b framework.Batch) (float64, error) {
	if b.N <= 0 {
		return 0, fmt.Errorf("mlp: Train needs a non-empty batch, got %d samples", b.N)
	}
	if want := b.N * s.obs.Dim(); len(b.Obs) != want {
		return 0, fmt.Errorf("mlp: Train got %d observation values for %d samples, want %d", len(b.Obs), b.N, want)
	}
	for i, v := range b.Obs {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return 0, fmt.Errorf("mlp: Train observation value %d of sample %d is %v", i%s.obs.Dim(), i/s.obs.Dim(), v)
		}
	}
	if err := s.head.CheckLabels(&b.Labels, b.N); err != nil {
		return 0, fmt.Errorf("mlp: %w", err)
	}
	raw := s.forward(s.in.Apply(b.Obs), b.N)
	s.gradOut = grow(s.gradOut, len(raw))
	loss := s.head.Loss(raw, b.N, &b.Labels, s.gradOut)
	if math.IsNaN(loss) || math.IsInf(loss, 0) {
		return loss, errors.New("mlp: non-finite loss, step skipped")
	}
	s.net.Backward(s.gradOut, s.grads)
	if s.skip != nil {
		return loss, s.stepWithSkip(b.N)
	}
	if !adam.FiniteNorm(s.grads) {
		return loss, errors.New("mlp: non-finite gradient, step skipped")
	}
	s.opt.Step(s.net.Params(), s.grads)
	return loss, nil
}

// stepWithSkip takes one Adam step on the network's parameters and the
// skip weights together (one optimizer, so gradient clipping sees one
// global norm).
func (s *Student) stepWithSkip(n int) error {
	np, ns := s.net.NumParams(), len(s.skip.w)
	s.allGrads = grow(s.allGrads, np+ns)
	copy(s.allGrads, s.grads)
	s.skip.backward(s.lastInput, s.gradOut, s.allGrads[np:], n)
	if !adam.FiniteNorm(s.allGrads) {
		return errors.New("mlp: non-finite gradient, step skipped")
	}
	s.all = grow(s.all, np+ns)
	copy(s.all, s.net.Params())
	copy(s.all[np:], s.skip.w)
	s.opt.Step(s.all, s.allGrads)
	copy(s.net.Params(), s.all[:np])
	copy(s.skip.w, s.all[np:])
	return nil
}

// Size implements framework.Student: parameters are weights and biases,
// hidden neurons the sum of the hidden layer sizes, edges the weights.
func (s *Student) Size() framework.Size {
	hidden := 0
	for _, h := range s.hidden {
		hidden += h
	}
	sz := framework.Size{Params: s.net.NumParams(), Hidden: hidden, Edges: s.net.NumWeights()}
	if s.skip != nil {
		sz.Params += len(s.skip.w)
		sz.Edges += len(s.skip.w)
	}
	return sz
}

// paramsBound is the number of parameters New allocates for cfg, computed
// without allocating them (framework.StudentSizer).
func paramsBound(cfg framework.StudentConfig) (int, error) {
	hidden, err := cfg.Params.Ints("hidden", DefaultHidden)
	if err != nil {
		return 0, fmt.Errorf("mlp: %w", err)
	}
	if cfg.ObservationSpace == nil || cfg.ActionSpace == nil {
		return 0, errors.New("mlp: observation and action spaces are required")
	}
	out := cfg.ActionSpace.Dim()
	if d, ok := cfg.ActionSpace.(*framework.Discrete); ok {
		out = d.N
	}
	sizes := append(append([]int{cfg.ObservationSpace.Dim()}, hidden...), out)
	n := 0
	for l := 0; l+1 < len(sizes); l++ {
		if sizes[l] < 0 || sizes[l+1] < 0 || (sizes[l] > 0 && sizes[l+1] > math.MaxInt32/sizes[l]) {
			return math.MaxInt, nil
		}
		n += sizes[l+1] * (sizes[l] + 1)
		if n > math.MaxInt32 {
			return math.MaxInt, nil
		}
	}
	return n, nil
}
