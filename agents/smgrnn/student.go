// Package smgrnn is the Self-Motivated Growing Neural Network student (Jia &
// Zhou, arXiv 2512.12713): a DAG network trained by Adam whose structure a
// Structural Plasticity Module grows and prunes during training. See
// README.md for the concepts, the strategies and every setting.
package smgrnn

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/smgrnn/arena/agents/activation"
	"github.com/smgrnn/arena/agents/adam"
	"github.com/smgrnn/arena/agents/head"
	"github.com/smgrnn/arena/agents/obsscale"
	"github.com/smgrnn/arena/agents/smgrnn/graph"
	"github.com/smgrnn/arena/agents/smgrnn/spm"
	"github.com/smgrnn/arena/framework"
)

// Kind is the student kind SMGrNN registers under.
const Kind = "smgrnn"

func init() {
	framework.RegisterStudent(Kind, func(cfg framework.StudentConfig) (framework.Student, error) {
		return New(cfg)
	})
	framework.RegisterStudentSizer(Kind, paramsBound)
}

// Defaults of the student's own settings (the strategies' are in
// spm.DefaultConfig).
const (
	DefaultStrategy    = "paper"
	DefaultInitHidden  = 16
	DefaultDensity     = 1.0
	DefaultActivation  = "tanh"
	DefaultScaleInputs = true
)

// settings are the student's parsed parameters.
type settings struct {
	Strategy    string
	InitHidden  int
	Density     float64
	Activation  string
	ScaleInputs bool
	SPM         framework.Params
}

func parseSettings(p framework.Params) (settings, error) {
	s := settings{Strategy: DefaultStrategy, InitHidden: DefaultInitHidden, Density: DefaultDensity, Activation: DefaultActivation, ScaleInputs: DefaultScaleInputs}
	if err := p.CheckKnown("strategy", "init_hidden", "density", "activation", "scale_inputs", "spm"); err != nil {
		return s, err
	}
	var err error
	if s.Strategy, err = p.String("strategy", s.Strategy); err != nil {
		return s, err
	}
	if s.InitHidden, err = p.Int("init_hidden", s.InitHidden); err != nil {
		return s, err
	}
	if s.InitHidden < 0 {
		return s, fmt.Errorf("setting %q must be non-negative, got %d", "init_hidden", s.InitHidden)
	}
	if s.Density, err = p.Float("density", s.Density); err != nil {
		return s, err
	}
	if !(s.Density >= 0 && s.Density <= 1) {
		return s, fmt.Errorf("setting %q must be in [0, 1], got %v", "density", s.Density)
	}
	if s.Activation, err = p.String("activation", s.Activation); err != nil {
		return s, err
	}
	if _, err := activation.Parse(s.Activation); err != nil {
		return s, fmt.Errorf("setting %q: %w", "activation", err)
	}
	if s.ScaleInputs, err = p.Bool("scale_inputs", s.ScaleInputs); err != nil {
		return s, err
	}
	if s.SPM, err = p.Sub("spm"); err != nil {
		return s, err
	}
	return s, nil
}

// Student is an SMGrNN student. It is not safe for concurrent use.
type Student struct {
	obsDim int
	obs    framework.Space
	act    framework.Space
	// in maps each bounded observation dimension onto [-1, 1] when
	// scale_inputs is on (see agents/obsscale).
	in     *obsscale.Scaler
	adam   framework.Adam
	set    settings
	head   *head.Head
	strat  spm.Strategy
	window int
	period int
	// gradSignal: the SPM's edge statistics are of the loss gradient
	// instead of Δw (the strategy's spm.Signaler says so).
	gradSignal bool
	// pruneGrad: pruning reads the loss gradient (spm.PruneSignaler);
	// when it differs from gradSignal the monitor keeps both signals,
	// pruning's in its second stream.
	pruneGrad bool

	net *graph.Net
	// mon is nil when the strategy never edits (static).
	mon    *spm.Monitor
	pcg    *rand.PCG
	rng    *rand.Rand
	step   int64
	events []spm.Event
	counts map[string]int

	work             graph.Work
	raw, draw, grad  []float64
	prev, actActions []float64
	gradCopy         []float64
}

// New builds a student: its spaces, seed, Adam settings and Params
// (strategy, init_hidden, density, activation and the spm table).
// paramsBound bounds the parameters New allocates for cfg: every possible
// edge of the initial network, and a bias per node (framework.StudentSizer).
func paramsBound(cfg framework.StudentConfig) (int, error) {
	set, err := parseSettings(cfg.Params)
	if err != nil {
		return 0, fmt.Errorf("smgrnn: %w", err)
	}
	if cfg.ObservationSpace == nil || cfg.ActionSpace == nil {
		return 0, fmt.Errorf("smgrnn: observation and action spaces are required")
	}
	in, h := cfg.ObservationSpace.Dim(), set.InitHidden
	out := cfg.ActionSpace.Dim()
	if d, ok := cfg.ActionSpace.(*framework.Discrete); ok {
		out = d.N
	}
	if h > math.MaxInt32/(in+out+1) {
		return math.MaxInt, nil
	}
	return in*out + h*(in+out) + h + out, nil
}

func New(cfg framework.StudentConfig) (*Student, error) {
	if cfg.ObservationSpace == nil || cfg.ActionSpace == nil {
		return nil, fmt.Errorf("smgrnn: observation and action spaces are required")
	}
	if err := cfg.Adam.Validate(); err != nil {
		return nil, fmt.Errorf("smgrnn: %w", err)
	}
	set, err := parseSettings(cfg.Params)
	if err != nil {
		return nil, fmt.Errorf("smgrnn: %w", err)
	}
	s := &Student{obsDim: cfg.ObservationSpace.Dim(), obs: cfg.ObservationSpace, act: cfg.ActionSpace, adam: cfg.Adam, counts: map[string]int{}}
	if s.obsDim < 1 {
		return nil, fmt.Errorf("smgrnn: observation space %s has no dimensions", cfg.ObservationSpace)
	}
	if s.head, err = head.New(cfg.ActionSpace); err != nil {
		return nil, fmt.Errorf("smgrnn: %w", err)
	}
	if err := s.configure(set); err != nil {
		return nil, err
	}
	s.pcg = rand.NewPCG(cfg.Seed, 0x534d47724e4e)
	s.rng = rand.New(s.pcg)
	act, _ := activation.Parse(set.Activation)
	g, err := graph.Initial(s.rng, s.obsDim, s.head.Outputs(), set.InitHidden, set.Density, act)
	if err != nil {
		return nil, fmt.Errorf("smgrnn: %w", err)
	}
	if s.net, _, err = graph.Compile(g); err != nil {
		return nil, fmt.Errorf("smgrnn: %w", err)
	}
	if s.period > 0 {
		newMon := spm.NewMonitor
		if s.pruneGrad != s.gradSignal {
			newMon = spm.NewMonitorSecond
		}
		if s.mon, err = newMon(s.window, s.net.NumEdges(), s.net.NumNodes()); err != nil {
			return nil, fmt.Errorf("smgrnn: %w", err)
		}
	}
	return s, nil
}

// configure builds the strategy from the settings.
func (s *Student) configure(set settings) error {
	strat, err := spm.New(set.Strategy, set.SPM)
	if err != nil {
		return fmt.Errorf("smgrnn: setting \"spm\": %w", err)
	}
	s.set, s.strat = set, strat
	s.in = obsscale.New(s.obs, s.obsDim, set.ScaleInputs)
	s.window, s.period = strat.Schedule()
	sig, ok := strat.(spm.Signaler)
	s.gradSignal = ok && sig.Signal() == spm.SignalGradient
	s.pruneGrad = s.gradSignal
	if ps, ok := strat.(spm.PruneSignaler); ok {
		s.pruneGrad = ps.PruneSignal() == spm.SignalGradient
	}
	if s.period < 0 || (s.period > 0 && s.window < 1) {
		return fmt.Errorf("smgrnn: strategy %q has schedule window %d period %d", set.Strategy, s.window, s.period)
	}
	return nil
}

// Act implements framework.Policy.
func (s *Student) Act(obs []float64, n int, actions []float64) error {
	if n < 0 || len(obs) < n*s.obsDim {
		return fmt.Errorf("smgrnn: act: %d values for %d observations of dimension %d", len(obs), n, s.obsDim)
	}
	adim := s.act.Dim()
	if len(actions) < n*adim {
		return fmt.Errorf("smgrnn: act: room for %d values, need %d", len(actions), n*adim)
	}
	no := s.net.NOut
	// Chunks bound the activation buffer for very large batches.
	const chunk = 1024
	for lo := 0; lo < n; lo += chunk {
		m := min(chunk, n-lo)
		if err := s.net.Forward(s.in.Apply(obs[lo*s.obsDim:(lo+m)*s.obsDim]), m, &s.work); err != nil {
			return fmt.Errorf("smgrnn: act: %w", err)
		}
		s.raw = framework.Resize(s.raw, m*no)
		s.net.Outputs(&s.work, s.raw)
		s.head.Actions(s.raw, m, actions[lo*adim:(lo+m)*adim])
	}
	return nil
}

// Train implements framework.Student: one Adam step on the minibatch, then
// the SPM's bookkeeping, and every period the strategy's structural edit.
// It returns the loss before the step.
func (s *Student) Train(b framework.Batch) (float64, error) {
	n := b.N
	if n < 1 || len(b.Obs) < n*s.obsDim {
		return 0, fmt.Errorf("smgrnn: train: %d values for %d observations of dimension %d", len(b.Obs), n, s.obsDim)
	}
	for _, v := range b.Obs[:n*s.obsDim] {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return 0, fmt.Errorf("smgrnn: train: observation value %v is not finite", v)
		}
	}
	if err := s.head.CheckLabels(&b.Labels, n); err != nil {
		return 0, fmt.Errorf("smgrnn: train: %w", err)
	}
	net := s.net
	if err := net.Forward(s.in.Apply(b.Obs[:n*s.obsDim]), n, &s.work); err != nil {
		return 0, fmt.Errorf("smgrnn: train: %w", err)
	}
	no := net.NOut
	s.raw = framework.Resize(s.raw, n*no)
	s.draw = framework.Resize(s.draw, n*no)
	net.Outputs(&s.work, s.raw)
	loss := s.head.Loss(s.raw, n, &b.Labels, s.draw)
	s.grad = framework.Resize(s.grad, len(net.P))
	net.Backward(&s.work, s.draw, s.grad)
	w := net.Weights()
	if s.mon != nil {
		// Both signals are taken when growth and pruning read different
		// ones: the gradient before Adam sees it, Δw after the step.
		if s.gradSignal || s.pruneGrad {
			s.gradCopy = framework.Resize(s.gradCopy, len(w))
			copy(s.gradCopy, s.grad[:len(w)])
		}
		if !s.gradSignal || !s.pruneGrad {
			s.prev = framework.Resize(s.prev, len(w))
			copy(s.prev, w)
		}
	}
	s.step++
	adam.Update(s.adam, int(s.step), net.P, s.grad, net.M, net.V)
	if s.mon != nil {
		var upd, grd []float64
		if !s.gradSignal || !s.pruneGrad {
			for i, x := range w {
				s.prev[i] = x - s.prev[i]
			}
			upd = s.prev
		}
		if s.gradSignal || s.pruneGrad {
			grd = s.gradCopy
		}
		// Growth's signal is the monitor's main stream, pruning's (when
		// it differs) the second.
		dw, second := upd, grd
		if s.gradSignal {
			dw, second = grd, upd
		}
		if s.mon.Second {
			s.mon.ObserveSecond(second)
		}
		s.mon.Observe(net, dw, &s.work)
		if s.step%int64(s.period) == 0 {
			if err := s.edit(); err != nil {
				return loss, err
			}
		}
	}
	return loss, nil
}

// edit runs the strategy on a copy of the network and, when it changed
// anything, compiles the result and moves the statistics along.
func (s *Student) edit() error {
	g := s.net.Graph()
	ctx := spm.NewContext(s.step, g, s.rng, s.adam.LearningRate, s.mon)
	if err := s.strat.Edit(ctx); err != nil {
		return fmt.Errorf("smgrnn: step %d: strategy %q: %w", s.step, s.strat.Name(), err)
	}
	evs := ctx.Events()
	if len(evs) == 0 {
		return nil
	}
	if err := g.Check(); err != nil {
		return fmt.Errorf("smgrnn: step %d: strategy %q left an invalid network: %w", s.step, s.strat.Name(), err)
	}
	net, rm, err := graph.Compile(g)
	if err != nil {
		return fmt.Errorf("smgrnn: step %d: %w", s.step, err)
	}
	s.net = net
	s.mon.Remap(rm)
	s.events = append(s.events, evs...)
	for _, e := range evs {
		s.counts[e.Kind]++
	}
	return nil
}

// Size implements framework.Student: parameters are edge weights plus the
// biases of hidden and output neurons.
func (s *Student) Size() framework.Size {
	return framework.Size{Params: s.net.NumParams(), Hidden: s.net.NumHidden(), Edges: s.net.NumEdges()}
}

// StructureEvents implements framework.Structural: the number of recorded
// edits by kind (see spm's Kind constants).
func (s *Student) StructureEvents() map[string]int {
	out := make(map[string]int, len(s.counts))
	for k, v := range s.counts {
		out[k] = v
	}
	return out
}

// Events returns a copy of every recorded structural edit, in order.
func (s *Student) Events() []spm.Event { return slices.Clone(s.events) }

// Steps is the number of optimizer steps taken.
func (s *Student) Steps() int64 { return s.step }

// Net returns the current compiled network (for inspection; do not modify).
func (s *Student) Net() *graph.Net { return s.net }

// Strategy is the name of the strategy in use.
func (s *Student) Strategy() string { return s.strat.Name() }

var (
	_ framework.Student    = (*Student)(nil)
	_ framework.Structural = (*Student)(nil)
)
