// Package studenttest is a conformance check for framework.Student
// implementations: every student kind (MLP, SMGrNN, a plugin's) runs the
// same checks from its own tests:
//
//	func TestConformance(t *testing.T) {
//		studenttest.Run(t, func(cfg framework.StudentConfig) (framework.Student, error) {
//			return mykind.New(cfg)
//		})
//	}
//
// For a Discrete and a Box action space it checks that actions lie in the
// action space; that Train on a fixed synthetic labelled batch lowers the
// loss over 200 steps (hard labels, and soft labels: probabilities or
// means); that the same seed gives bit-identical losses and actions after
// training and different seeds give different ones; that a Save→Load round
// trip into a fresh student gives identical actions; and that malformed
// input — garbage checkpoints, a checkpoint of other spaces, batches of the
// wrong size, labels outside the action space — is an error, never a
// panic.
package studenttest

import (
	"bytes"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/smgrnn/arena/framework"
)

// Maker builds the student under test from its configuration.
type Maker func(cfg framework.StudentConfig) (framework.Student, error)

// Options tunes the checks for students that need it.
type Options struct {
	// Params is passed to every student built (nil: none).
	Params framework.Params
	// Steps is the number of training steps of the learning check
	// (default 200).
	Steps int
	// MaxLossRatio is how far the loss must fall: the mean of the last ten
	// training losses must be below MaxLossRatio times the first loss
	// (default 0.7).
	MaxLossRatio float64
	// Adam is the optimizer setting (zero: learning rate 1e-2, otherwise
	// PyTorch's defaults — a rate at which 200 steps make clear progress).
	Adam framework.Adam
	// ResumeExact additionally checks that training continues identically
	// after a Save→Load round trip (the optimizer state is checkpointed).
	ResumeExact bool
}

func (o Options) withDefaults() Options {
	if o.Steps == 0 {
		o.Steps = 200
	}
	if o.MaxLossRatio == 0 {
		o.MaxLossRatio = 0.7
	}
	if o.Adam == (framework.Adam{}) {
		o.Adam = framework.DefaultAdam()
		o.Adam.LearningRate = 1e-2
	}
	return o
}

// Run runs the conformance checks with default options.
func Run(t *testing.T, make func(cfg framework.StudentConfig) (framework.Student, error)) {
	t.Helper()
	RunWith(t, make, Options{})
}

// problem is a synthetic distillation task: spaces, a training batch with
// hard and soft labels, and probe observations for comparing actions.
type problem struct {
	name     string
	obs, act framework.Space
	batch    framework.Batch // hard labels
	soft     framework.Batch // the same observations with soft labels
	probe    []float64       // probe observations (wider than the batch)
	nProbe   int
}

const (
	batchN = 64
	probeN = 128
)

// problems builds the Discrete and the Box task. The observation space has
// an unbounded dimension so checkpoints must cope with infinite bounds; the
// Discrete action space has a non-zero Start and the Box two differently
// bounded dimensions, so a head that ignores either is caught.
func problems() []*problem {
	obs := framework.NewBox([]float64{-1, -1, math.Inf(-1)}, []float64{1, 1, math.Inf(1)})
	rng := rand.New(rand.NewPCG(2026, 4))
	x := make([]float64, batchN*3)
	for i := range x {
		x[i] = 2*rng.Float64() - 1
	}
	probe := make([]float64, probeN*3)
	for i := range probe {
		probe[i] = 1.5 * (2*rng.Float64() - 1)
	}
	for s := range probeN { // keep the bounded dimensions inside the space
		probe[s*3] = math.Max(-1, math.Min(1, probe[s*3]))
		probe[s*3+1] = math.Max(-1, math.Min(1, probe[s*3+1]))
	}

	// Discrete(3, start=-1): the teacher picks the largest of three linear
	// scores; its probabilities are a softmax of the same scores.
	disc := &problem{name: "Discrete", obs: obs, act: &framework.Discrete{N: 3, Start: -1}, probe: probe, nProbe: probeN}
	actions := make([]float64, batchN)
	probs := make([]float64, batchN*3)
	for s := range batchN {
		o := x[s*3 : s*3+3]
		scores := []float64{2*o[0] - o[1], -o[0] + 2*o[2], o[1] - o[2] + 0.3}
		best, sum := 0, 0.0
		for j, v := range scores {
			if v > scores[best] {
				best = j
			}
			probs[s*3+j] = math.Exp(2 * v)
			sum += probs[s*3+j]
		}
		for j := range 3 {
			probs[s*3+j] /= sum
		}
		actions[s] = float64(best - 1)
	}
	disc.batch = framework.Batch{Obs: x, N: batchN, Labels: framework.Labels{Actions: actions}}
	disc.soft = framework.Batch{Obs: x, N: batchN, Labels: framework.Labels{Actions: actions, Probs: probs}}

	// Box([-2, 0], [2, 1]): a smooth teacher inside the bounds; its "mean"
	// is a slightly different function, so soft and hard targets differ.
	box := &problem{name: "Box", obs: obs, act: framework.NewBox([]float64{-2, 0}, []float64{2, 1}), probe: probe, nProbe: probeN}
	target := make([]float64, batchN*2)
	mean := make([]float64, batchN*2)
	for s := range batchN {
		o := x[s*3 : s*3+3]
		target[s*2] = 1.5 * math.Sin(o[0]+o[1])
		target[s*2+1] = 0.5 + 0.4*math.Tanh(o[2])
		mean[s*2] = 1.2 * math.Sin(o[0]-o[1])
		mean[s*2+1] = 0.5 + 0.3*math.Tanh(o[2]+o[0])
	}
	box.batch = framework.Batch{Obs: x, N: batchN, Labels: framework.Labels{Actions: target}}
	box.soft = framework.Batch{Obs: x, N: batchN, Labels: framework.Labels{Actions: target, Mean: mean}}
	return []*problem{disc, box}
}

// RunWith runs the conformance checks.
func RunWith(t *testing.T, make func(cfg framework.StudentConfig) (framework.Student, error), opts Options) {
	t.Helper()
	opts = opts.withDefaults()
	for _, p := range problems() {
		t.Run(p.name, func(t *testing.T) {
			c := &checker{t: t, make: make, opts: opts, p: p}
			t.Run("ActionsInSpace", c.actionsInSpace)
			t.Run("Size", c.size)
			t.Run("TrainLowersLoss", func(t *testing.T) { c.trainLowersLoss(t, p.batch) })
			t.Run("TrainLowersSoftLoss", func(t *testing.T) { c.trainLowersLoss(t, p.soft) })
			t.Run("Deterministic", c.deterministic)
			t.Run("RowsAlone", c.rowsAlone)
			t.Run("SeedsDiffer", c.seedsDiffer)
			t.Run("SaveLoad", c.saveLoad)
			t.Run("LoadGarbage", c.loadGarbage)
			t.Run("SaveStable", c.saveStable)
			t.Run("Portable", c.portable)
			t.Run("BadInput", c.badInput)
		})
	}
}

type checker struct {
	t    *testing.T
	make Maker
	opts Options
	p    *problem
}

func (c *checker) config(seed uint64) framework.StudentConfig {
	return framework.StudentConfig{
		ObservationSpace: c.p.obs, ActionSpace: c.p.act,
		Seed: seed, Adam: c.opts.Adam, Params: c.opts.Params,
	}
}

// build makes a student or stops the test.
func (c *checker) build(t *testing.T, seed uint64) framework.Student {
	t.Helper()
	var s framework.Student
	err := safe(func() error {
		var err error
		s, err = c.make(c.config(seed))
		return err
	})
	if err != nil {
		t.Fatalf("building the student (seed %d): %v", seed, err)
	}
	if s == nil {
		t.Fatalf("building the student (seed %d) returned nil", seed)
	}
	return s
}

// safe runs f, turning a panic into an error so one broken method does not
// abort the whole suite and is reported as what it is.
func safe(f func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	return f()
}

// act returns the student's actions on the probe observations.
func (c *checker) act(t *testing.T, s framework.Student) []float64 {
	t.Helper()
	out := make([]float64, c.p.nProbe*c.p.act.Dim())
	if err := safe(func() error { return s.Act(c.p.probe, c.p.nProbe, out) }); err != nil {
		t.Fatalf("Act: %v", err)
	}
	return out
}

// train makes steps training steps and returns the losses.
func (c *checker) train(t *testing.T, s framework.Student, b framework.Batch, steps int) []float64 {
	t.Helper()
	losses := make([]float64, 0, steps)
	for i := range steps {
		var loss float64
		err := safe(func() error {
			var err error
			loss, err = s.Train(b)
			return err
		})
		if err != nil {
			t.Fatalf("Train step %d: %v", i, err)
		}
		if math.IsNaN(loss) || math.IsInf(loss, 0) || loss < 0 {
			t.Fatalf("Train step %d returned loss %v", i, loss)
		}
		losses = append(losses, loss)
	}
	return losses
}

func (c *checker) actionsInSpace(t *testing.T) {
	s := c.build(t, 1)
	check := func(when string) {
		a := c.act(t, s)
		k := c.p.act.Dim()
		for i := range c.p.nProbe {
			if !c.p.act.Contains(a[i*k : i*k+k]) {
				t.Fatalf("%s: action %v for observation %v is not in %s", when, a[i*k:i*k+k], c.p.probe[i*3:i*3+3], c.p.act)
			}
		}
	}
	check("untrained")
	c.train(t, s, c.p.batch, 20)
	check("after 20 steps")
}

func (c *checker) size(t *testing.T) {
	sz := c.build(t, 1).Size()
	if sz.Params <= 0 || sz.Edges <= 0 || sz.Hidden < 0 || sz.Edges > sz.Params {
		t.Errorf("Size() = %+v: want Params ≥ Edges > 0 and Hidden ≥ 0", sz)
	}
}

func (c *checker) trainLowersLoss(t *testing.T, b framework.Batch) {
	losses := c.train(t, c.build(t, 3), b, c.opts.Steps)
	tail := losses[max(0, len(losses)-10):]
	mean := 0.0
	for _, l := range tail {
		mean += l
	}
	mean /= float64(len(tail))
	if !(mean < c.opts.MaxLossRatio*losses[0]) {
		t.Errorf("loss %.4g at the start, mean %.4g over the last %d of %d steps: want below %.2g× the start",
			losses[0], mean, len(tail), len(losses), c.opts.MaxLossRatio)
	}
}

func (c *checker) deterministic(t *testing.T) {
	a, b := c.build(t, 7), c.build(t, 7)
	if !equalBits(c.act(t, a), c.act(t, b)) {
		t.Fatal("two untrained students with seed 7 act differently")
	}
	la := c.train(t, a, c.p.batch, 50)
	lb := c.train(t, b, c.p.batch, 50)
	if !equalBits(la, lb) {
		t.Fatalf("same seed, same batches, different losses:\n%v\n%v", la, lb)
	}
	if !equalBits(c.act(t, a), c.act(t, b)) {
		t.Fatal("same seed, same training, different actions")
	}
}

// rowsAlone checks framework.Policy's contract that an action depends on
// its own observation only: each probe row acted on alone, and the odd
// batch of the first three rows, give the bits the whole batch gives.
func (c *checker) rowsAlone(t *testing.T) {
	s := c.build(t, 5)
	c.train(t, s, c.p.batch, 20)
	all := c.act(t, s)
	od, ad := c.p.obs.Dim(), c.p.act.Dim()
	for _, rows := range [][2]int{{0, 3}, {0, 1}, {1, 2}, {c.p.nProbe - 1, c.p.nProbe}} {
		lo, hi := rows[0], rows[1]
		out := make([]float64, (hi-lo)*ad)
		if err := safe(func() error { return s.Act(c.p.probe[lo*od:hi*od], hi-lo, out) }); err != nil {
			t.Fatalf("Act on rows %d..%d: %v", lo, hi-1, err)
		}
		if !equalBits(out, all[lo*ad:hi*ad]) {
			t.Fatalf("rows %d..%d acted on apart give %v, in the whole batch %v", lo, hi-1, out, all[lo*ad:hi*ad])
		}
	}
}

func (c *checker) seedsDiffer(t *testing.T) {
	a, b := c.build(t, 7), c.build(t, 8)
	if !equalBits(c.act(t, a), c.act(t, b)) {
		return
	}
	// Discrete actions of two small untrained networks may coincide; after
	// training on the same batch the continuous parameters still differ,
	// which shows in the losses.
	la := c.train(t, a, c.p.batch, 20)
	lb := c.train(t, b, c.p.batch, 20)
	if equalBits(la, lb) && equalBits(c.act(t, a), c.act(t, b)) {
		t.Error("seeds 7 and 8 give identical actions and losses: the seed is ignored")
	}
}

func (c *checker) saveLoad(t *testing.T) {
	a := c.build(t, 11)
	c.train(t, a, c.p.batch, 30)
	var buf bytes.Buffer
	if err := safe(func() error { return a.Save(&buf) }); err != nil {
		t.Fatalf("Save: %v", err)
	}
	saved := bytes.Clone(buf.Bytes())
	b := c.build(t, 12)
	if err := safe(func() error { return b.Load(bytes.NewReader(saved)) }); err != nil {
		t.Fatalf("Load of a fresh checkpoint: %v", err)
	}
	if !equalBits(c.act(t, a), c.act(t, b)) {
		t.Fatal("actions differ after a Save→Load round trip")
	}
	if b.Size() != a.Size() {
		t.Errorf("Size() %+v after Load, %+v saved", b.Size(), a.Size())
	}
	// Saving the loaded student must give a checkpoint that loads to the
	// same actions again (no state lost in the round trip).
	var again bytes.Buffer
	if err := safe(func() error { return b.Save(&again) }); err != nil {
		t.Fatalf("Save after Load: %v", err)
	}
	d := c.build(t, 13)
	if err := safe(func() error { return d.Load(&again) }); err != nil {
		t.Fatalf("Load of a re-saved checkpoint: %v", err)
	}
	if !equalBits(c.act(t, a), c.act(t, d)) {
		t.Fatal("actions differ after a second round trip")
	}
	if c.opts.ResumeExact {
		la := c.train(t, a, c.p.batch, 5)
		lb := c.train(t, b, c.p.batch, 5)
		if !equalBits(la, lb) || !equalBits(c.act(t, a), c.act(t, b)) {
			t.Errorf("training after Load diverges from the original: losses %v vs %v", la, lb)
		}
	}
}

func (c *checker) loadGarbage(t *testing.T) {
	a := c.build(t, 21)
	var good bytes.Buffer
	if err := safe(func() error { return a.Save(&good) }); err != nil {
		t.Fatalf("Save: %v", err)
	}
	rng := rand.New(rand.NewPCG(5, 5))
	noise := make([]byte, 512)
	for i := range noise {
		noise[i] = byte(rng.UintN(256))
	}
	// A checkpoint of the same kind for other spaces.
	other := *c.p
	other.obs = framework.NewBox([]float64{-1, -1}, []float64{1, 1})
	oc := &checker{make: c.make, opts: c.opts, p: &other}
	var foreign bytes.Buffer
	if err := safe(func() error { return oc.build(t, 1).Save(&foreign) }); err != nil {
		t.Fatalf("Save of a student with other spaces: %v", err)
	}
	cases := map[string][]byte{
		"empty":                nil,
		"text":                 []byte("this is not a checkpoint"),
		"json-null":            []byte("null"),
		"json-empty":           []byte("{}"),
		"json-array":           []byte("[1, 2, 3]"),
		"random-bytes":         noise,
		"truncated":            good.Bytes()[:good.Len()/2],
		"other-spaces":         foreign.Bytes(),
		"bytes-flipped":        flip(good.Bytes()),
		"truncated-then-noise": append(bytes.Clone(good.Bytes()[:good.Len()*3/4]), noise[:64]...),
	}
	before := c.act(t, a)
	for name, data := range cases {
		b := c.build(t, 21)
		err := safe(func() error { return b.Load(bytes.NewReader(data)) })
		if err == nil {
			if name == "bytes-flipped" {
				continue // a flipped digit may still be a valid checkpoint
			}
			t.Errorf("Load(%s) succeeded", name)
			continue
		}
		if strings.HasPrefix(err.Error(), "panic:") {
			t.Errorf("Load(%s) panicked: %v", name, err)
			continue
		}
		// A failed Load must leave the student usable and unchanged.
		if got := c.act(t, b); !equalBits(got, before) {
			t.Errorf("Load(%s) failed (%v) but changed the student", name, err)
		}
	}
}

// flip returns data with every 97th byte's low bit flipped.
func flip(data []byte) []byte {
	out := bytes.Clone(data)
	for i := 0; i < len(out); i += 97 {
		out[i] ^= 1
	}
	return out
}

func (c *checker) badInput(t *testing.T) {
	s := c.build(t, 31)
	k := c.p.act.Dim()
	expectErr := func(name string, f func() error) {
		t.Helper()
		err := safe(f)
		if err == nil {
			t.Errorf("%s: no error", name)
		} else if strings.HasPrefix(err.Error(), "panic:") {
			t.Errorf("%s: %v", name, err)
		}
	}
	expectErr("Act with short observations", func() error {
		return s.Act(c.p.probe[:5], 2, make([]float64, 2*k))
	})
	expectErr("Act with short actions", func() error {
		return s.Act(c.p.probe[:6], 2, make([]float64, 2*k-1))
	})
	b := c.p.batch
	expectErr("Train with short observations", func() error {
		_, err := s.Train(framework.Batch{Obs: b.Obs[:len(b.Obs)-1], N: b.N, Labels: b.Labels})
		return err
	})
	expectErr("Train with short labels", func() error {
		_, err := s.Train(framework.Batch{Obs: b.Obs, N: b.N, Labels: framework.Labels{Actions: b.Labels.Actions[:1]}})
		return err
	})
	if _, ok := c.p.act.(*framework.Discrete); ok {
		labels := append([]float64(nil), b.Labels.Actions...)
		labels[3] = 99
		expectErr("Train with an action outside the space", func() error {
			_, err := s.Train(framework.Batch{Obs: b.Obs, N: b.N, Labels: framework.Labels{Actions: labels}})
			return err
		})
	}
	// The student still works after rejecting bad input.
	c.train(t, s, b, 2)
	c.act(t, s)
}

// equalBits reports whether two slices hold bit-identical values (so NaNs
// compare by their bits, and -0 differs from +0).
func equalBits(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Float64bits(a[i]) != math.Float64bits(b[i]) {
			return false
		}
	}
	return true
}

// saveStable: two students built and trained alike save to the same bytes,
// so checkpoints of a rerun are identical files.
func (c *checker) saveStable(t *testing.T) {
	var saved [2][]byte
	for i := range saved {
		s := c.build(t, 31)
		c.train(t, s, c.p.batch, 25)
		var buf bytes.Buffer
		if err := safe(func() error { return s.Save(&buf) }); err != nil {
			t.Fatalf("Save: %v", err)
		}
		saved[i] = buf.Bytes()
	}
	if !bytes.Equal(saved[0], saved[1]) {
		t.Errorf("two students trained alike save to different bytes (%d and %d)", len(saved[0]), len(saved[1]))
	}
}

// portable: a student with a portable form writes it deterministically,
// and loading it into a fresh student gives the same actions.
func (c *checker) portable(t *testing.T) {
	a := c.build(t, 41)
	p, ok := a.(framework.Portable)
	if !ok {
		t.Skip("the student has no portable form")
	}
	c.train(t, a, c.p.batch, 30)
	var one, two bytes.Buffer
	if err := safe(func() error { return p.SavePortable(&one) }); err != nil {
		t.Fatalf("SavePortable: %v", err)
	}
	if err := safe(func() error { return p.SavePortable(&two) }); err != nil {
		t.Fatalf("SavePortable: %v", err)
	}
	if !bytes.Equal(one.Bytes(), two.Bytes()) {
		t.Error("SavePortable of one student gives different bytes")
	}
	b := c.build(t, 42)
	if err := safe(func() error { return b.Load(bytes.NewReader(one.Bytes())) }); err != nil {
		t.Fatalf("Load of the portable form: %v", err)
	}
	if !equalBits(c.act(t, a), c.act(t, b)) {
		t.Fatal("actions differ after SavePortable→Load")
	}
	if b.Size() != a.Size() {
		t.Errorf("Size() %+v after Load, %+v saved", b.Size(), a.Size())
	}
	damaged := bytes.Clone(one.Bytes())
	damaged[len(damaged)-1] ^= 1
	if err := safe(func() error { return c.build(t, 42).Load(bytes.NewReader(damaged)) }); err == nil {
		t.Error("Load of a damaged portable form succeeded")
	}
	// The loaded student trains on.
	c.train(t, b, c.p.batch, 3)
}
