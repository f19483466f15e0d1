package mlp

import (
	"fmt"
	"io"
	"slices"

	"github.com/smgrnn/arena/agents/activation"
	"github.com/smgrnn/arena/framework"
	"github.com/smgrnn/arena/framework/portable"
	"github.com/smgrnn/arena/framework/spacejson"
)

// portableTopology is an MLP in arena's portable student format
// (framework/portable). With tensors "layers.L.weight" (sizes[L+1] rows of
// sizes[L], nn.Linear's layout) and "layers.L.bias", the student's action
// for an observation x is:
//
//	x ← (x − center) · invHalf     per bounded dimension, when scale_inputs
//	                               (both bounds finite and inside float32)
//	h ← act(W·h + b)               for every layer but the last, which is linear
//	z ← h + S·x                    when skip, with tensor "skip.weight" (S,
//	                               outputs rows of inputs) and x the (scaled) input
//	Discrete: start + the first index of the largest output
//	Box:      low + (tanh(z)+1)·(high−low)/2 where both bounds are finite
//	          (|bound| < MaxFloat32), z elsewhere; clamped to [low, high]
type portableTopology struct {
	Kind        string                `json:"kind"`
	Sizes       []int                 `json:"sizes"`
	Activation  activation.Activation `json:"activation"`
	ScaleInputs bool                  `json:"scale_inputs"`
	Skip        bool                  `json:"skip,omitempty"`
	ObsSpace    *spacejson.Space      `json:"observation_space"`
	ActSpace    *spacejson.Space      `json:"action_space"`
}

var _ framework.Portable = (*Student)(nil)

// SavePortable implements framework.Portable.
func (s *Student) SavePortable(w io.Writer) error {
	obs, err := spacejson.Encode(s.obs)
	if err != nil {
		return fmt.Errorf("mlp: save observation space: %w", err)
	}
	act, err := spacejson.Encode(s.act)
	if err != nil {
		return fmt.Errorf("mlp: save action space: %w", err)
	}
	sizes := s.net.Sizes()
	var ts []portable.Tensor
	for l := 0; l+1 < len(sizes); l++ {
		wt, b := s.net.Layer(l)
		ts = append(ts,
			portable.Tensor{Name: fmt.Sprintf("layers.%d.weight", l), Shape: []int{sizes[l+1], sizes[l]}, Data: wt},
			portable.Tensor{Name: fmt.Sprintf("layers.%d.bias", l), Shape: []int{sizes[l+1]}, Data: b})
	}
	topo := portableTopology{Kind: Kind, Sizes: sizes, Activation: s.net.Activation(), ScaleInputs: s.scale, ObsSpace: obs, ActSpace: act}
	if s.skip != nil {
		topo.Skip = true
		ts = append(ts, portable.Tensor{Name: "skip.weight", Shape: []int{s.skip.out, s.skip.in}, Data: s.skip.w})
	}
	if err := portable.Write(w, topo, ts); err != nil {
		return fmt.Errorf("mlp: %w", err)
	}
	return nil
}

// loadPortable replaces the weights by a portable student's, which must
// have this student's spaces, sizes, activation and input scaling; Adam
// starts afresh. On error the student is unchanged.
func (s *Student) loadPortable(data []byte) error {
	m, err := portable.Read(data)
	if err != nil {
		return fmt.Errorf("mlp: load: %w", err)
	}
	var topo portableTopology
	if err := m.DecodeTopology(&topo); err != nil {
		return fmt.Errorf("mlp: load: topology: %w", err)
	}
	if topo.Kind != Kind {
		return fmt.Errorf("mlp: load: a portable %q student, not %q", topo.Kind, Kind)
	}
	if err := portable.CheckSpaces(topo.ObsSpace, topo.ActSpace, s.obs, s.act); err != nil {
		return fmt.Errorf("mlp: load: %w", err)
	}
	if !slices.Equal(topo.Sizes, s.net.sizes) || topo.Activation != s.net.act || topo.ScaleInputs != s.scale {
		return fmt.Errorf("mlp: load: network %v %s scale_inputs=%v, this student is %v %s scale_inputs=%v",
			topo.Sizes, topo.Activation, topo.ScaleInputs, s.net.sizes, s.net.act, s.scale)
	}
	params := make([]float64, 0, s.net.NumParams())
	for l := 0; l+1 < len(topo.Sizes); l++ {
		for _, part := range []struct {
			name  string
			shape []int
		}{{fmt.Sprintf("layers.%d.weight", l), []int{topo.Sizes[l+1], topo.Sizes[l]}}, {fmt.Sprintf("layers.%d.bias", l), []int{topo.Sizes[l+1]}}} {
			t := m.Tensor(part.name)
			if t == nil || !slices.Equal(t.Shape, part.shape) {
				return fmt.Errorf("mlp: load: tensor %s missing or not of shape %v", part.name, part.shape)
			}
			params = append(params, t.Data...)
		}
	}
	if topo.Skip != (s.skip != nil) {
		return fmt.Errorf("mlp: load: skip %v, this student has %v", topo.Skip, s.skip != nil)
	}
	tensors := 2 * (len(topo.Sizes) - 1)
	if s.skip != nil {
		tensors++
		t := m.Tensor("skip.weight")
		if shape := []int{s.skip.out, s.skip.in}; t == nil || !slices.Equal(t.Shape, shape) {
			return fmt.Errorf("mlp: load: tensor skip.weight missing or not of shape %v", shape)
		}
		params = append(params, t.Data...)
	}
	if len(m.Tensors) != tensors {
		return fmt.Errorf("mlp: load: %d tensors, a network of sizes %v (skip %v) has %d", len(m.Tensors), topo.Sizes, topo.Skip, tensors)
	}
	n := len(params)
	if err := s.opt.SetState(0, make([]float64, n), make([]float64, n)); err != nil {
		return fmt.Errorf("mlp: load: %w", err)
	}
	np := copy(s.net.Params(), params)
	if s.skip != nil {
		copy(s.skip.w, params[np:])
	}
	return nil
}
