package sparse

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

// Method is a way of getting a network of a given size, and the student
// kind it registers under.
type Method string

// The methods (see README.md for each paper and every deviation).
const (
	// SET is sparse evolutionary training (Mocanu et al., 2018).
	SET Method = "set"
	// RigL is Rigging the Lottery (Evci et al., 2020).
	RigL Method = "rigl"
	// GMP is gradual magnitude pruning (Zhu & Gupta, 2017).
	GMP Method = "gmp"
	// Net2Net is growth by function-preserving widening (Chen et al., 2016).
	Net2Net Method = "net2net"
)

// Methods lists the methods.
func Methods() []Method { return []Method{SET, RigL, GMP, Net2Net} }

// seedStream separates the student's random stream from other users of
// the same seed.
const seedStream = 0x737061727365 // "sparse"

func init() {
	for _, m := range Methods() {
		framework.RegisterStudent(string(m), func(cfg framework.StudentConfig) (framework.Student, error) {
			return New(m, cfg)
		})
	}
}

// Structural edit kinds counted by StructureEvents.
const (
	EventDrop  = "drop"  // a connection removed by SET or RigL
	EventGrow  = "grow"  // a connection added by SET or RigL
	EventPrune = "prune" // a connection removed by GMP
	EventSplit = "split" // a neuron split by Net2Net
)

// Settings are a student's own settings (the match file's keys in
// parentheses). Defaults are in Defaults.
type Settings struct {
	// Target is the parameter count to reach and keep (target_params),
	// counted as Net.NumParams.
	Target int
	// Hidden are the hidden widths (hidden): fixed for SET, RigL and GMP,
	// the starting widths for Net2Net.
	Hidden      []int
	Activation  activation.Activation // activation
	ScaleInputs bool                  // scale_inputs
	// UpdateEvery is ΔT, the optimizer steps between structural updates
	// (update_every).
	UpdateEvery int
	// StartStep is GMP's first pruning step (start_step).
	StartStep int
	// EndStep is the last step with a structural update (end_step): the
	// end of RigL's cosine decay and of GMP's schedule.
	EndStep int
	// DropFraction is SET's ζ and RigL's initial α (drop_fraction).
	DropFraction float64
	// Plateau: Net2Net widens when the mean training loss of the last ΔT
	// steps is above (1 − Plateau) times that of the ΔT steps before
	// (plateau). At EndStep it widens to the target whatever the loss.
	Plateau float64
	// GrowFactor is how much Net2Net widens each hidden layer at a
	// plateau (grow_factor), within the target.
	GrowFactor float64
}

// Defaults returns the method's default settings. The step counts suit
// the classic-control protocol's 2,500 updates (25 rounds of 100).
func Defaults(m Method) Settings {
	s := Settings{
		Target: 400, Hidden: []int{64, 64}, Activation: activation.Tanh, ScaleInputs: true,
		UpdateEvery: 100, EndStep: 1875, DropFraction: 0.3,
	}
	switch m {
	case GMP:
		s.StartStep, s.DropFraction = 100, 0
	case Net2Net:
		s.Hidden, s.DropFraction, s.Plateau, s.GrowFactor = []int{4, 4}, 0, 0.02, 1.5
	}
	return s
}

func (m Method) known() []string {
	k := []string{"target_params", "hidden", "activation", "scale_inputs", "update_every", "end_step"}
	switch m {
	case SET, RigL:
		k = append(k, "drop_fraction")
	case GMP:
		k = append(k, "start_step")
	case Net2Net:
		k = append(k, "plateau", "grow_factor")
	}
	return k
}

func parseSettings(m Method, p framework.Params) (Settings, error) {
	s := Defaults(m)
	if err := p.CheckKnown(m.known()...); err != nil {
		return s, err
	}
	var err error
	if s.Target, err = p.Int("target_params", s.Target); err != nil {
		return s, err
	}
	if s.Hidden, err = p.Ints("hidden", s.Hidden); err != nil {
		return s, err
	}
	act, err := p.String("activation", s.Activation.String())
	if err != nil {
		return s, err
	}
	if s.Activation, err = activation.Parse(act); err != nil {
		return s, fmt.Errorf("setting \"activation\": %w", err)
	}
	if s.ScaleInputs, err = p.Bool("scale_inputs", s.ScaleInputs); err != nil {
		return s, err
	}
	if s.UpdateEvery, err = p.Int("update_every", s.UpdateEvery); err != nil {
		return s, err
	}
	if s.StartStep, err = p.Int("start_step", s.StartStep); err != nil {
		return s, err
	}
	if s.EndStep, err = p.Int("end_step", s.EndStep); err != nil {
		return s, err
	}
	if s.DropFraction, err = p.Float("drop_fraction", s.DropFraction); err != nil {
		return s, err
	}
	if s.Plateau, err = p.Float("plateau", s.Plateau); err != nil {
		return s, err
	}
	if s.GrowFactor, err = p.Float("grow_factor", s.GrowFactor); err != nil {
		return s, err
	}
	return s, s.check(m)
}

func (s Settings) check(m Method) error {
	switch {
	case len(s.Hidden) == 0:
		return errors.New("setting \"hidden\" needs at least one hidden layer")
	case slices.ContainsFunc(s.Hidden, func(h int) bool { return h <= 0 || h > 1<<12 }):
		return fmt.Errorf("setting \"hidden\": widths must be in [1, 4096], got %v", s.Hidden)
	case s.Target <= 0:
		return fmt.Errorf("setting \"target_params\" must be positive, got %d", s.Target)
	case s.UpdateEvery <= 0:
		return fmt.Errorf("setting \"update_every\" must be positive, got %d", s.UpdateEvery)
	case s.EndStep < 0 || s.StartStep < 0:
		return fmt.Errorf("settings \"start_step\" and \"end_step\" must be non-negative, got %d and %d", s.StartStep, s.EndStep)
	case m == GMP && s.EndStep <= s.StartStep:
		return fmt.Errorf("setting \"end_step\" (%d) must be after \"start_step\" (%d)", s.EndStep, s.StartStep)
	case (m == SET || m == RigL) && !(s.DropFraction > 0 && s.DropFraction < 1):
		return fmt.Errorf("setting \"drop_fraction\" must be in (0, 1), got %v", s.DropFraction)
	case m == Net2Net && !(s.Plateau >= 0 && s.Plateau < 1):
		return fmt.Errorf("setting \"plateau\" must be in [0, 1), got %v", s.Plateau)
	case m == Net2Net && !(s.GrowFactor > 1 && s.GrowFactor <= 16):
		return fmt.Errorf("setting \"grow_factor\" must be in (1, 16], got %v", s.GrowFactor)
	}
	return nil
}

// Student is a sparse or growing MLP student trained by Adam whose
// structure one of the methods changes during training. It is not safe for
// concurrent use.
type Student struct {
	method   Method
	set      Settings
	obs, act framework.Space
	seed     uint64
	in       *obsscale.Scaler
	head     *head.Head
	adam     framework.Adam

	net *Net
	pcg *rand.PCG
	rng *rand.Rand
	// step counts optimizer steps: Adam's step count and the schedules'
	// clock.
	step int

	counts map[string]int
	// startParams is GMP's count before pruning: the dense network's.
	startParams int
	// lossSum and lossN accumulate Net2Net's current loss window; prevLoss
	// is the previous window's mean (NaN before the first).
	lossSum  float64
	lossN    int
	prevLoss float64

	gradOut, dense []float64
}

var (
	_ framework.Student    = (*Student)(nil)
	_ framework.Structural = (*Student)(nil)
)

// New builds a student of method m: its network starts at its method's
// initial structure (sparse at the target for SET and RigL, dense for GMP,
// small and dense for Net2Net), fixed by cfg.Seed.
func New(m Method, cfg framework.StudentConfig) (*Student, error) {
	if !slices.Contains(Methods(), m) {
		return nil, fmt.Errorf("sparse: unknown method %q", m)
	}
	set, err := parseSettings(m, cfg.Params)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", m, err)
	}
	if err := framework.Validate(cfg.ObservationSpace); err != nil {
		return nil, fmt.Errorf("%s: observation space: %w", m, err)
	}
	h, err := head.New(cfg.ActionSpace)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", m, err)
	}
	opt := cfg.Adam
	if opt == (framework.Adam{}) {
		opt = framework.DefaultAdam()
	}
	if err := opt.Validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", m, err)
	}
	s := &Student{
		method: m, set: set, obs: cfg.ObservationSpace, act: cfg.ActionSpace, seed: cfg.Seed,
		in:   obsscale.New(cfg.ObservationSpace, cfg.ObservationSpace.Dim(), set.ScaleInputs),
		head: h, adam: opt, counts: map[string]int{}, prevLoss: math.NaN(),
	}
	s.pcg = rand.NewPCG(cfg.Seed, seedStream)
	s.rng = rand.New(s.pcg)
	widths := append(append([]int{cfg.ObservationSpace.Dim()}, set.Hidden...), h.Outputs())
	dense := denseParams(widths)
	switch m {
	case SET, RigL:
		if min := minParams(widths); set.Target < min || set.Target >= dense {
			return nil, fmt.Errorf("%s: target_params %d is outside [%d, %d) for layer widths %v (a sparse network needs a connection per layer and fewer than the dense network's parameters)",
				m, set.Target, min, dense, widths)
		}
		ls := emptyLayers(widths)
		fit(ls, set.Target, func(l, k int) int { return growRandom(&ls[l], k, s.rng) })
		s.net = newNet(set.Activation, ls)
		s.initWeights(false)
	case GMP:
		if set.Target >= dense || set.Target < minParams(widths) {
			return nil, fmt.Errorf("%s: target_params %d is outside [%d, %d) for layer widths %v (pruning ends below the dense network's parameters)",
				m, set.Target, minParams(widths), dense, widths)
		}
		s.net = newNet(set.Activation, denseLayers(widths))
		s.initWeights(true)
		s.startParams = dense
	case Net2Net:
		if set.Target < dense {
			return nil, fmt.Errorf("%s: target_params %d is below the starting network's %d parameters (layer widths %v)", m, set.Target, dense, widths)
		}
		s.net = newNet(set.Activation, denseLayers(widths))
		s.initWeights(true)
	}
	return s, nil
}

// denseParams is a dense MLP's weights and biases.
func denseParams(widths []int) int {
	p := 0
	for l := 1; l < len(widths); l++ {
		p += widths[l-1]*widths[l] + widths[l]
	}
	return p
}

// minParams is the smallest count a sparse network can have: one
// connection per layer, the biases of a single path and every output's.
func minParams(widths []int) int {
	L := len(widths) - 1
	return L + (L - 1) + widths[L]
}

func emptyLayers(widths []int) []layerState {
	ls := make([]layerState, len(widths)-1)
	for l := range ls {
		out := widths[l+1]
		ls[l] = layerState{in: widths[l], out: out, b: make([]float64, out), mb: make([]float64, out), vb: make([]float64, out)}
	}
	return ls
}

func denseLayers(widths []int) []layerState {
	ls := emptyLayers(widths)
	for l := range ls {
		s := &ls[l]
		s.conns = make([]conn, 0, s.in*s.out)
		for o := range s.out {
			for i := range s.in {
				s.conns = append(s.conns, conn{src: int32(i), dst: int32(o)})
			}
		}
	}
	return ls
}

// initWeights draws every weight and bias uniformly on ±1/√fan-in, layer by
// layer in packed order. For a dense network fan-in is the layer's input
// width (PyTorch's nn.Linear default); for a sparse one it is each
// neuron's own number of kept inputs (at least 1), so a sparse neuron's
// pre-activation has the scale a dense one's has.
func (s *Student) initWeights(dense bool) {
	n := s.net
	for _, l := range n.layers {
		fan := make([]int, l.out)
		for _, d := range l.dst {
			fan[d]++
		}
		bound := func(o int32) float64 {
			if dense {
				return 1 / math.Sqrt(float64(l.in))
			}
			return 1 / math.Sqrt(float64(max(fan[o], 1)))
		}
		for k, d := range l.dst {
			n.params[l.woff+k] = bound(d) * (2*s.rng.Float64() - 1)
		}
		for o := range l.out {
			n.params[l.boff+o] = bound(int32(o)) * (2*s.rng.Float64() - 1)
		}
	}
}

// Method returns the student's method.
func (s *Student) Method() Method { return s.method }

// Settings returns the student's settings.
func (s *Student) Settings() Settings { return s.set }

// Net returns the student's network (live; do not modify).
func (s *Student) Net() *Net { return s.net }

// Steps is the number of optimizer steps taken.
func (s *Student) Steps() int { return s.step }

// Act implements framework.Policy.
func (s *Student) Act(obs []float64, n int, actions []float64) error {
	if n < 0 {
		return fmt.Errorf("%s: negative batch size %d", s.method, n)
	}
	if want := n * s.obs.Dim(); len(obs) != want {
		return fmt.Errorf("%s: Act got %d observation values for %d samples, want %d", s.method, len(obs), n, want)
	}
	if want := n * s.head.ActionDim(); len(actions) != want {
		return fmt.Errorf("%s: Act got room for %d action values for %d samples, want %d", s.method, len(actions), n, want)
	}
	if n == 0 {
		return nil
	}
	s.head.Actions(s.net.Forward(s.in.Apply(obs), n), n, actions)
	return nil
}

// Train implements framework.Student: forward, head loss, backward, one
// Adam step over the kept parameters, then the method's structural update
// when one is due. A non-finite loss or gradient is an error and skips the
// step.
func (s *Student) Train(b framework.Batch) (float64, error) {
	if b.N <= 0 {
		return 0, fmt.Errorf("%s: Train needs a non-empty batch, got %d samples", s.method, b.N)
	}
	d := s.obs.Dim()
	if want := b.N * d; len(b.Obs) != want {
		return 0, fmt.Errorf("%s: Train got %d observation values for %d samples, want %d", s.method, len(b.Obs), b.N, want)
	}
	for i, v := range b.Obs {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return 0, fmt.Errorf("%s: Train observation value %d of sample %d is %v", s.method, i%d, i/d, v)
		}
	}
	if err := s.head.CheckLabels(&b.Labels, b.N); err != nil {
		return 0, fmt.Errorf("%s: %w", s.method, err)
	}
	raw := s.net.Forward(s.in.Apply(b.Obs), b.N)
	s.gradOut = grow(s.gradOut, len(raw))
	loss := s.head.Loss(raw, b.N, &b.Labels, s.gradOut)
	if math.IsNaN(loss) || math.IsInf(loss, 0) {
		return loss, fmt.Errorf("%s: non-finite loss, step skipped", s.method)
	}
	s.net.Backward(s.gradOut)
	if !adam.FiniteNorm(s.net.grads) {
		return loss, fmt.Errorf("%s: non-finite gradient, step skipped", s.method)
	}
	s.step++
	adam.Update(s.adam, s.step, s.net.params, s.net.grads, s.net.m, s.net.v)
	s.afterStep(loss)
	return loss, nil
}

// afterStep runs the method's structural update when one is due.
func (s *Student) afterStep(loss float64) {
	st := s.set
	switch s.method {
	case SET, RigL:
		if s.step%st.UpdateEvery == 0 && s.step <= st.EndStep {
			s.dropAndGrow()
		}
	case GMP:
		if s.step >= st.StartStep && s.step <= st.EndStep &&
			((s.step-st.StartStep)%st.UpdateEvery == 0 || s.step == st.EndStep) {
			s.prune()
		}
	case Net2Net:
		s.lossSum += loss
		s.lossN++
		if s.step == st.EndStep {
			s.widen(math.MaxInt)
		}
		if s.step%st.UpdateEvery != 0 {
			return
		}
		mean := s.lossSum / float64(s.lossN)
		if !math.IsNaN(s.prevLoss) && s.step < st.EndStep && mean > (1-st.Plateau)*s.prevLoss {
			s.widen(0)
		}
		s.prevLoss, s.lossSum, s.lossN = mean, 0, 0
	}
}

// DropFractionAt is the fraction of each layer's connections a SET or RigL
// update at step drops: ζ for SET, RigL's cosine decay α/2·(1 + cos(π·step
// / end_step)).
func (s *Student) DropFractionAt(step int) float64 {
	if s.method == RigL {
		return s.set.DropFraction / 2 * (1 + math.Cos(math.Pi*float64(step)/float64(s.set.EndStep)))
	}
	return s.set.DropFraction
}

// dropAndGrow is SET's and RigL's update: each layer drops the fraction of
// its connections with the smallest magnitude and regrows as many, at
// random (SET) or where the dense gradient of this step's minibatch is
// largest (RigL), with zero weight and fresh Adam moments; then fit keeps
// the parameter count at the target.
func (s *Student) dropAndGrow() {
	frac := s.DropFractionAt(s.step)
	var grads [][]float64
	if s.method == RigL {
		grads = make([][]float64, len(s.net.layers))
		for l, ly := range s.net.layers {
			grads[l] = make([]float64, ly.in*ly.out)
			s.net.DenseGrad(l, grads[l])
		}
	}
	ls := s.net.unpack()
	growFn := func(l, k int) int {
		if grads != nil {
			return growByGradient(&ls[l], k, grads[l])
		}
		return growRandom(&ls[l], k, s.rng)
	}
	for l := range ls {
		k := int(math.Round(frac * float64(len(ls[l].conns))))
		s.counts[EventDrop] += dropSmallest(&ls[l], k)
		s.counts[EventGrow] += growFn(l, k)
	}
	dropped, grown := fit(ls, s.set.Target, growFn)
	s.counts[EventDrop] += dropped
	s.counts[EventGrow] += grown
	s.net.pack(ls)
}

// TargetAt is GMP's parameter count for step, Zhu & Gupta's cubic schedule
// written in parameters: P(t) = P_f + (P_0 − P_f)·(1 − p)³ with p the
// fraction of [start_step, end_step] done, P_0 the count when pruning
// began and P_f the target.
func (s *Student) TargetAt(step int) int {
	st := s.set
	p := float64(step-st.StartStep) / float64(st.EndStep-st.StartStep)
	p = math.Max(0, math.Min(1, p))
	p0, pf := float64(s.startParams), float64(st.Target)
	return int(math.Round(pf + (p0-pf)*math.Pow(1-p, 3)))
}

// prune removes GMP's connections of smallest magnitude, per layer in
// Erdős–Rényi shares, down to the schedule's count for this step.
func (s *Student) prune() {
	want := s.TargetAt(s.step)
	if s.net.NumParams() <= want {
		return
	}
	ls := s.net.unpack()
	s.counts[EventPrune] += pruneTo(ls, want)
	s.net.pack(ls)
}

// widen is Net2Net's growth: neurons are added one at a time to the
// narrowest hidden layer (ties: the first), each by a function-preserving
// split (split), while the network stays within the target and up to
// budget neurons; budget 0 means GrowFactor times each layer's width (a
// plateau's growth).
func (s *Student) widen(budget int) {
	widths := s.net.Sizes()
	if budget == 0 {
		for _, h := range widths[1 : len(widths)-1] {
			budget += int(math.Ceil(float64(h)*s.set.GrowFactor)) - h
		}
	}
	ls := s.net.unpack()
	for range budget {
		h := 1
		for j := 2; j < len(widths)-1; j++ {
			if widths[j] < widths[h] {
				h = j
			}
		}
		widths[h]++
		if denseParams(widths) > s.set.Target {
			widths[h]--
			break
		}
		split(ls, h-1, s.rng)
		s.counts[EventSplit]++
	}
	s.net.pack(ls)
}

// split is Net2WiderNet (Chen et al., 2016) for one neuron: a neuron j of
// the hidden layer that layer h outputs is drawn uniformly; the new neuron
// copies j's incoming weights and bias, and each of j's outgoing weights w
// is shared between the two as w·(½+δ) and w·(½−δ), δ uniform on
// ±splitNoise per weight. The sum is w, so the network computes the same
// function; δ breaks the symmetry that would otherwise keep the two
// neurons identical. The new connections and the split weights get fresh
// Adam moments.
func split(ls []layerState, h int, rng *rand.Rand) {
	s, next := &ls[h], &ls[h+1]
	j := int32(rng.IntN(s.out))
	u := int32(s.out)
	for _, c := range slices.Clone(s.conns) {
		if c.dst == j {
			s.conns = append(s.conns, conn{src: c.src, dst: u, w: c.w})
		}
	}
	s.b = append(s.b, s.b[j])
	s.mb = append(s.mb, 0)
	s.vb = append(s.vb, 0)
	s.out++
	n := len(next.conns)
	for k := range n {
		c := &next.conns[k]
		if c.src != j {
			continue
		}
		d := splitNoise * (2*rng.Float64() - 1)
		w := c.w
		c.w, c.m, c.v = w*(0.5+d), 0, 0
		next.conns = append(next.conns, conn{src: u, dst: c.dst, w: w * (0.5 - d)})
	}
	next.in++
}

// splitNoise bounds the asymmetry of a split's outgoing weights.
const splitNoise = 0.1

// Size implements framework.Student (see Net.NumParams for what counts).
func (s *Student) Size() framework.Size {
	return framework.Size{Params: s.net.NumParams(), Hidden: s.net.NumHidden(), Edges: s.net.NumWeights()}
}

// StructureEvents implements framework.Structural: the structural edits so
// far by kind (EventDrop, EventGrow, EventPrune, EventSplit).
func (s *Student) StructureEvents() map[string]int {
	out := make(map[string]int, len(s.counts))
	for k, v := range s.counts {
		out[k] = v
	}
	return out
}
