package mlp

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"

	"github.com/smgrnn/arena/agents/activation"
	"github.com/smgrnn/arena/framework"
	"github.com/smgrnn/arena/framework/portable"
	"github.com/smgrnn/arena/framework/spacejson"
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
//	  "scale_inputs": true,           // only when on
//	  "skip": true,                   // only when on; then params and
//	                                  // the moments end with the skip weights
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
	Format     string                `json:"format"`
	Version    int                   `json:"version"`
	Kind       string                `json:"kind"`
	ObsSpace   *spacejson.Space      `json:"observation_space"`
	ActSpace   *spacejson.Space      `json:"action_space"`
	Sizes      []int                 `json:"sizes"`
	Activation activation.Activation `json:"activation"`
	ScaleIn    bool                  `json:"scale_inputs,omitempty"`
	Skip       bool                  `json:"skip,omitempty"`
	Seed       uint64                `json:"seed"`
	Adam       framework.Adam        `json:"adam"`
	AdamSteps  int                   `json:"adam_steps"`
	Params     spacejson.Floats      `json:"params"`
	AdamM      spacejson.Floats      `json:"adam_m"`
	AdamV      spacejson.Floats      `json:"adam_v"`
}

// Save implements framework.Student: it writes the versioned JSON
// checkpoint described above (network, spaces and Adam state).
func (s *Student) Save(w io.Writer) error {
	obs, err := spacejson.Encode(s.obs)
	if err != nil {
		return fmt.Errorf("mlp: save observation space: %w", err)
	}
	act, err := spacejson.Encode(s.act)
	if err != nil {
		return fmt.Errorf("mlp: save action space: %w", err)
	}
	t, m, v := s.opt.State()
	ck := checkpoint{
		Format: checkpointFormat, Version: CheckpointVersion, Kind: Kind,
		ObsSpace: obs, ActSpace: act,
		Sizes: s.net.Sizes(), Activation: s.net.Activation(), ScaleIn: s.scale, Seed: s.seed,
		Adam: s.opt.Config(), AdamSteps: t,
		Params: s.net.Params(), AdamM: m, AdamV: v,
	}
	if s.skip != nil {
		ck.Skip = true
		ck.Params = append(slices.Clone(s.net.Params()), s.skip.w...)
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
// spaces, layer sizes, activation and input scaling; a mismatch is an error naming the
// difference, and the student is left unchanged on any error. The Adam
// settings stay the student's own (so training may resume with new ones).
//
// It also reads the portable form SavePortable writes (the weights only:
// Adam starts afresh).
func (s *Student) Load(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return fmt.Errorf("mlp: load checkpoint: %w", err)
	}
	if portable.Is(data) {
		return s.loadPortable(data)
	}
	var ck checkpoint
	dec := json.NewDecoder(bytes.NewReader(data))
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
	obs, err := spacejson.Decode(ck.ObsSpace)
	if err != nil {
		return fmt.Errorf("mlp: load checkpoint: observation space: %w", err)
	}
	if !framework.SameSpace(obs, s.obs) {
		return fmt.Errorf("mlp: load checkpoint: observation space %s, this student has %s", obs, s.obs)
	}
	act, err := spacejson.Decode(ck.ActSpace)
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
	if ck.ScaleIn != s.scale {
		return fmt.Errorf("mlp: load checkpoint: scale_inputs %v, this student has %v", ck.ScaleIn, s.scale)
	}
	if ck.Skip != (s.skip != nil) {
		return fmt.Errorf("mlp: load checkpoint: skip %v, this student has %v", ck.Skip, s.skip != nil)
	}
	if len(ck.Params) != s.opt.Len() {
		return fmt.Errorf("mlp: load checkpoint: %d parameters, layer sizes %v (skip %v) need %d", len(ck.Params), ck.Sizes, ck.Skip, s.opt.Len())
	}
	// SetState validates before changing anything, and is the last check,
	// so an error leaves the student untouched.
	if err := s.opt.SetState(ck.AdamSteps, ck.AdamM, ck.AdamV); err != nil {
		return fmt.Errorf("mlp: load checkpoint: %w", err)
	}
	np := copy(s.net.Params(), ck.Params)
	if s.skip != nil {
		copy(s.skip.w, ck.Params[np:])
	}
	s.seed = ck.Seed
	return nil
}
