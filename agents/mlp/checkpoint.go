package mlp

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"

	"github.com/smgrnn/arena/framework"
)

// Checkpoint format. A checkpoint is one JSON object:
//
//	{
//	  "format": "arena-mlp-student",  // always this string
//	  "version": 1,                   // CheckpointVersion
//	  "kind": "mlp",
//	  "observation_space": {"type": "Box", "low": [...], "high": [...], "shape": [4]},
//	  "action_space": {"type": "Discrete", "n": 2, "start": 0},
//	  "sizes": [4, 64, 64, 2],        // layer sizes, input first
//	  "activation": "tanh",
//	  "seed": 1,                      // the seed the student was built with
//	  "adam": {...},                  // settings it was trained with (informational)
//	  "adam_steps": 1000,             // Adam's step count
//	  "params": [...],                // Network.Params layout
//	  "adam_m": [...], "adam_v": [...] // Adam's moments, same layout
//	}
//
// Numbers are written with the shortest representation that reads back to
// the same float64, so a round trip is exact; values JSON cannot hold are
// written as the strings "inf", "-inf" and "nan".
const (
	checkpointFormat = "arena-mlp-student"
	// CheckpointVersion is the version of the checkpoint format Save
	// writes; Load reads only this version.
	CheckpointVersion = 1
)

type checkpoint struct {
	Format     string         `json:"format"`
	Version    int            `json:"version"`
	Kind       string         `json:"kind"`
	ObsSpace   *spaceJSON     `json:"observation_space"`
	ActSpace   *spaceJSON     `json:"action_space"`
	Sizes      []int          `json:"sizes"`
	Activation Activation     `json:"activation"`
	Seed       uint64         `json:"seed"`
	Adam       framework.Adam `json:"adam"`
	AdamSteps  int            `json:"adam_steps"`
	Params     floats         `json:"params"`
	AdamM      floats         `json:"adam_m"`
	AdamV      floats         `json:"adam_v"`
}

type spaceJSON struct {
	Type  string `json:"type"`
	N     int    `json:"n,omitempty"`
	Start int    `json:"start,omitempty"`
	Low   floats `json:"low,omitempty"`
	High  floats `json:"high,omitempty"`
	Shape []int  `json:"shape,omitempty"`
}

// floats is a []float64 whose JSON form keeps non-finite values (as
// strings), which encoding/json refuses to write.
type floats []float64

// MarshalJSON implements json.Marshaler.
func (f floats) MarshalJSON() ([]byte, error) {
	buf := make([]byte, 0, 2+len(f)*24)
	buf = append(buf, '[')
	for i, v := range f {
		if i > 0 {
			buf = append(buf, ',')
		}
		switch {
		case math.IsNaN(v):
			buf = append(buf, `"nan"`...)
		case math.IsInf(v, 1):
			buf = append(buf, `"inf"`...)
		case math.IsInf(v, -1):
			buf = append(buf, `"-inf"`...)
		default:
			buf = strconv.AppendFloat(buf, v, 'g', -1, 64)
		}
	}
	return append(buf, ']'), nil
}

// UnmarshalJSON implements json.Unmarshaler.
func (f *floats) UnmarshalJSON(b []byte) error {
	var raw []json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	out := make([]float64, len(raw))
	for i, r := range raw {
		switch string(r) {
		case `"nan"`:
			out[i] = math.NaN()
		case `"inf"`:
			out[i] = math.Inf(1)
		case `"-inf"`:
			out[i] = math.Inf(-1)
		default:
			v, err := strconv.ParseFloat(string(r), 64)
			if err != nil {
				return fmt.Errorf("value %d (%.20s) is not a number", i, r)
			}
			out[i] = v
		}
	}
	*f = out
	return nil
}

func encodeSpace(s framework.Space) (*spaceJSON, error) {
	switch s := s.(type) {
	case *framework.Discrete:
		return &spaceJSON{Type: "Discrete", N: s.N, Start: s.Start}, nil
	case *framework.Box:
		return &spaceJSON{Type: "Box", Low: floats(s.Low), High: floats(s.High), Shape: s.Shape}, nil
	}
	return nil, fmt.Errorf("cannot save space %s", s)
}

func decodeSpace(j *spaceJSON) (framework.Space, error) {
	if j == nil {
		return nil, errors.New("missing")
	}
	var s framework.Space
	switch j.Type {
	case "Discrete":
		s = &framework.Discrete{N: j.N, Start: j.Start}
	case "Box":
		if len(j.Low) != len(j.High) {
			return nil, fmt.Errorf("box bounds have lengths %d and %d", len(j.Low), len(j.High))
		}
		shape := j.Shape
		if len(shape) == 0 {
			shape = []int{len(j.Low)}
		}
		s = &framework.Box{Low: j.Low, High: j.High, Shape: shape}
	default:
		return nil, fmt.Errorf("unknown space type %q", j.Type)
	}
	if err := framework.Validate(s); err != nil {
		return nil, err
	}
	return s, nil
}

// Save implements framework.Student: it writes the versioned JSON
// checkpoint described above (network, spaces and Adam state).
func (s *Student) Save(w io.Writer) error {
	obs, err := encodeSpace(s.obs)
	if err != nil {
		return fmt.Errorf("mlp: save observation space: %w", err)
	}
	act, err := encodeSpace(s.act)
	if err != nil {
		return fmt.Errorf("mlp: save action space: %w", err)
	}
	t, m, v := s.opt.State()
	ck := checkpoint{
		Format: checkpointFormat, Version: CheckpointVersion, Kind: Kind,
		ObsSpace: obs, ActSpace: act,
		Sizes: s.net.Sizes(), Activation: s.net.Activation(), Seed: s.seed,
		Adam: s.opt.Config(), AdamSteps: t,
		Params: s.net.Params(), AdamM: m, AdamV: v,
	}
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetIndent("", " ")
	if err := enc.Encode(&ck); err != nil {
		return fmt.Errorf("mlp: save checkpoint: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("mlp: save checkpoint: %w", err)
	}
	return nil
}

// Load implements framework.Student: it replaces the weights and Adam state
// by a checkpoint written by Save. The checkpoint must match the student's
// spaces, layer sizes and activation; a mismatch is an error naming the
// difference, and the student is left unchanged on any error. The Adam
// settings stay the student's own (so training may resume with new ones).
func (s *Student) Load(r io.Reader) error {
	var ck checkpoint
	dec := json.NewDecoder(bufio.NewReader(r))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&ck); err != nil {
		return fmt.Errorf("mlp: load checkpoint: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("mlp: load checkpoint: data after the checkpoint object")
	}
	if ck.Format != checkpointFormat {
		return fmt.Errorf("mlp: load checkpoint: format %q, want %q", ck.Format, checkpointFormat)
	}
	if ck.Version != CheckpointVersion {
		return fmt.Errorf("mlp: load checkpoint: version %d, this build reads version %d", ck.Version, CheckpointVersion)
	}
	if ck.Kind != Kind {
		return fmt.Errorf("mlp: load checkpoint: student kind %q, want %q", ck.Kind, Kind)
	}
	obs, err := decodeSpace(ck.ObsSpace)
	if err != nil {
		return fmt.Errorf("mlp: load checkpoint: observation space: %w", err)
	}
	if !framework.SameSpace(obs, s.obs) {
		return fmt.Errorf("mlp: load checkpoint: observation space %s, this student has %s", obs, s.obs)
	}
	act, err := decodeSpace(ck.ActSpace)
	if err != nil {
		return fmt.Errorf("mlp: load checkpoint: action space: %w", err)
	}
	if !framework.SameSpace(act, s.act) {
		return fmt.Errorf("mlp: load checkpoint: action space %s, this student has %s", act, s.act)
	}
	if !slices.Equal(ck.Sizes, s.net.sizes) {
		return fmt.Errorf("mlp: load checkpoint: layer sizes %v, this student has %v", ck.Sizes, s.net.sizes)
	}
	if ck.Activation != s.net.act {
		return fmt.Errorf("mlp: load checkpoint: activation %q, this student has %q", ck.Activation, s.net.act)
	}
	if len(ck.Params) != s.net.NumParams() {
		return fmt.Errorf("mlp: load checkpoint: %d parameters, layer sizes %v need %d", len(ck.Params), ck.Sizes, s.net.NumParams())
	}
	// SetState validates before changing anything, and is the last check,
	// so an error leaves the student untouched.
	if err := s.opt.SetState(ck.AdamSteps, ck.AdamM, ck.AdamV); err != nil {
		return fmt.Errorf("mlp: load checkpoint: %w", err)
	}
	copy(s.net.Params(), ck.Params)
	s.seed = ck.Seed
	return nil
}
