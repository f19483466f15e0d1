package sparse

import (
	"bufio"
	"encoding/gob"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"

	"github.com/smgrnn/arena/framework"
	"github.com/smgrnn/arena/framework/spacejson"
)

// checkpointFormat and CheckpointVersion head every checkpoint, so a file
// of another kind or an incompatible version is refused with a clear error.
const (
	checkpointFormat = "arena-sparse-student"
	// CheckpointVersion is the version Save writes and Load reads.
	CheckpointVersion = 1
)

type checkpointHeader struct {
	Format  string
	Version int
	Method  Method
}

// checkpoint is everything needed to continue training identically: the
// spaces, the settings, every layer's connections with weights, biases and
// Adam moments, the step counter, the random source and the method's
// state. Gob keeps every float64 exactly.
type checkpoint struct {
	Obs, Act    *spacejson.Space
	Settings    Settings
	Step        int
	RNG         []byte
	Layers      []savedLayer
	Counts      []Count
	StartParams int
	LossSum     float64
	LossN       int
	PrevLoss    float64
}

// Count is a number of structural edits of one kind; a checkpoint keeps
// them sorted by kind so that Save's bytes are fixed by the state.
type Count struct {
	Kind string
	N    int
}

func sortedCounts(m map[string]int) []Count {
	out := make([]Count, 0, len(m))
	for k, n := range m {
		out = append(out, Count{k, n})
	}
	slices.SortFunc(out, func(a, b Count) int { return strings.Compare(a.Kind, b.Kind) })
	return out
}

type savedLayer struct {
	In, Out   int
	Src, Dst  []int32
	W, M, V   []float64
	B, MB, VB []float64
}

// Save implements framework.Student.
func (s *Student) Save(w io.Writer) error {
	obs, err := spacejson.Encode(s.obs)
	if err != nil {
		return fmt.Errorf("%s: save observation space: %w", s.method, err)
	}
	act, err := spacejson.Encode(s.act)
	if err != nil {
		return fmt.Errorf("%s: save action space: %w", s.method, err)
	}
	rng, err := s.pcg.MarshalBinary()
	if err != nil {
		return fmt.Errorf("%s: save: %w", s.method, err)
	}
	c := checkpoint{Obs: obs, Act: act, Settings: s.set, Step: s.step, RNG: rng, Counts: sortedCounts(s.counts),
		StartParams: s.startParams, LossSum: s.lossSum, LossN: s.lossN, PrevLoss: s.prevLoss}
	for _, l := range s.unpackForSave() {
		c.Layers = append(c.Layers, l)
	}
	bw := bufio.NewWriter(w)
	enc := gob.NewEncoder(bw)
	if err := enc.Encode(checkpointHeader{checkpointFormat, CheckpointVersion, s.method}); err != nil {
		return fmt.Errorf("%s: save: %w", s.method, err)
	}
	if err := enc.Encode(&c); err != nil {
		return fmt.Errorf("%s: save: %w", s.method, err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("%s: save: %w", s.method, err)
	}
	return nil
}

func (s *Student) unpackForSave() []savedLayer {
	n := s.net
	out := make([]savedLayer, len(n.layers))
	for i, l := range n.layers {
		w := n.params[l.woff:l.boff]
		out[i] = savedLayer{In: l.in, Out: l.out, Src: l.src, Dst: l.dst,
			W: w, M: n.m[l.woff:l.boff], V: n.v[l.woff:l.boff],
			B: n.params[l.boff : l.boff+l.out], MB: n.m[l.boff : l.boff+l.out], VB: n.v[l.boff : l.boff+l.out]}
	}
	return out
}

// Load implements framework.Student. The checkpoint must be of the same
// method, spaces and settings; it restores the whole state, so training
// continues exactly as it would have. On any error the student is left
// unchanged.
func (s *Student) Load(r io.Reader) error {
	dec := gob.NewDecoder(bufio.NewReader(r))
	var h checkpointHeader
	if err := dec.Decode(&h); err != nil {
		return fmt.Errorf("%s: load checkpoint: %w", s.method, err)
	}
	if h.Format != checkpointFormat {
		return fmt.Errorf("%s: load checkpoint: format %q, want %q", s.method, h.Format, checkpointFormat)
	}
	if h.Version != CheckpointVersion {
		return fmt.Errorf("%s: load checkpoint: version %d, this build reads version %d", s.method, h.Version, CheckpointVersion)
	}
	if h.Method != s.method {
		return fmt.Errorf("%s: load checkpoint: student kind %q, want %q", s.method, h.Method, s.method)
	}
	var c checkpoint
	if err := dec.Decode(&c); err != nil {
		return fmt.Errorf("%s: load checkpoint: %w", s.method, err)
	}
	if err := s.checkCheckpoint(&c); err != nil {
		return fmt.Errorf("%s: load checkpoint: %w", s.method, err)
	}
	pcg := &rand.PCG{}
	if err := pcg.UnmarshalBinary(c.RNG); err != nil {
		return fmt.Errorf("%s: load checkpoint: random state: %w", s.method, err)
	}
	ls := make([]layerState, len(c.Layers))
	for i, l := range c.Layers {
		st := layerState{in: l.In, out: l.Out, conns: make([]conn, len(l.Src)),
			b: slices.Clone(l.B), mb: slices.Clone(l.MB), vb: slices.Clone(l.VB)}
		for k := range l.Src {
			st.conns[k] = conn{src: l.Src[k], dst: l.Dst[k], w: l.W[k], m: l.M[k], v: l.V[k]}
		}
		ls[i] = st
	}
	s.net = newNet(s.set.Activation, ls)
	s.pcg = pcg
	s.rng = rand.New(pcg)
	s.step, s.startParams = c.Step, c.StartParams
	s.lossSum, s.lossN, s.prevLoss = c.LossSum, c.LossN, c.PrevLoss
	s.counts = map[string]int{}
	for _, e := range c.Counts {
		s.counts[e.Kind] = e.N
	}
	return nil
}

// checkCheckpoint validates a decoded checkpoint against the student.
func (s *Student) checkCheckpoint(c *checkpoint) error {
	obs, err := spacejson.Decode(c.Obs)
	if err != nil {
		return fmt.Errorf("observation space: %w", err)
	}
	if !framework.SameSpace(obs, s.obs) {
		return fmt.Errorf("observation space %s, this student has %s", obs, s.obs)
	}
	act, err := spacejson.Decode(c.Act)
	if err != nil {
		return fmt.Errorf("action space: %w", err)
	}
	if !framework.SameSpace(act, s.act) {
		return fmt.Errorf("action space %s, this student has %s", act, s.act)
	}
	if !sameSettings(c.Settings, s.set) {
		return fmt.Errorf("settings %+v, this student has %+v", c.Settings, s.set)
	}
	if c.Step < 0 || c.LossN < 0 {
		return fmt.Errorf("negative step count %d or loss window %d", c.Step, c.LossN)
	}
	if len(c.Layers) != len(s.set.Hidden)+1 {
		return fmt.Errorf("%d layers, this student has %d", len(c.Layers), len(s.set.Hidden)+1)
	}
	for i, l := range c.Layers {
		switch {
		case i == 0 && l.In != s.obs.Dim():
			return fmt.Errorf("layer 0 has %d inputs, the observation space %d", l.In, s.obs.Dim())
		case i > 0 && l.In != c.Layers[i-1].Out:
			return fmt.Errorf("layer %d has %d inputs, layer %d %d outputs", i, l.In, i-1, c.Layers[i-1].Out)
		case i == len(c.Layers)-1 && l.Out != s.head.Outputs():
			return fmt.Errorf("the last layer has %d outputs, the action space needs %d", l.Out, s.head.Outputs())
		case l.In <= 0 || l.Out <= 0 || l.In > 1<<12 || l.Out > 1<<12:
			return fmt.Errorf("layer %d has widths %d×%d", i, l.In, l.Out)
		case s.method != Net2Net && i < len(s.set.Hidden) && l.Out != s.set.Hidden[i]:
			return fmt.Errorf("layer %d has %d outputs, this student's hidden widths are %v", i, l.Out, s.set.Hidden)
		}
		n := len(l.Src)
		if len(l.Dst) != n || len(l.W) != n || len(l.M) != n || len(l.V) != n ||
			len(l.B) != l.Out || len(l.MB) != l.Out || len(l.VB) != l.Out {
			return fmt.Errorf("layer %d: inconsistent lengths", i)
		}
		seen := make(map[int64]bool, n)
		for k := range n {
			if l.Src[k] < 0 || int(l.Src[k]) >= l.In || l.Dst[k] < 0 || int(l.Dst[k]) >= l.Out {
				return fmt.Errorf("layer %d: connection %d→%d outside %d×%d", i, l.Src[k], l.Dst[k], l.In, l.Out)
			}
			key := int64(l.Dst[k])<<32 | int64(l.Src[k])
			if seen[key] {
				return fmt.Errorf("layer %d: connection %d→%d twice", i, l.Src[k], l.Dst[k])
			}
			seen[key] = true
		}
		for _, vs := range [][]float64{l.V, l.VB} {
			for _, v := range vs {
				if !(v >= 0) || math.IsInf(v, 0) {
					return fmt.Errorf("layer %d: invalid second moment %v", i, v)
				}
			}
		}
	}
	return nil
}

func sameSettings(a, b Settings) bool { return reflect.DeepEqual(a, b) }

func init() {
	gob.Register(map[string]any{})
}
