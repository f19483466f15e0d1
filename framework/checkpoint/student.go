// Package checkpoint reads and writes student checkpoint files: a student's
// state wrapped with what is needed to rebuild it — its kind, settings,
// seed and the environment it was trained on — so that
// "arena eval --policy student:PATH" can load any student.
//
// A file is one JSON object (Version 2):
//
//	{
//	  "format": "arena-student", "version": 2,
//	  "kind": "smgrnn", "env": "CartPole-v1", "seed": 0,
//	  "params": {...}, "adam": {...},          // as the match gave them
//	  "size": {"params": 430, "hidden_neurons": 20, "edges": 390},
//	  "state_format": "arena-portable-student", // or "native"
//	  "state_sha256": "…",                      // of the state's bytes, hex
//	  "state": "…"                              // base64
//	}
//
// The state of a student that implements framework.Portable (arena's MLP
// and SMGrNN) is its portable form (package framework/portable): the
// network's topology and weights as a safetensors file, which programs
// outside arena read too (plugins/python's arena_plugin.students); other
// students' state is their own Save. Files are byte-stable: the same
// student gives the same bytes. Version 1 files (no checksum, native state)
// are still read.
package checkpoint

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"

	"github.com/smgrnn/arena/framework"
	"github.com/smgrnn/arena/framework/atomicfile"
	"github.com/smgrnn/arena/framework/portable"
)

// Format and Version identify a student checkpoint file.
const (
	Format  = "arena-student"
	Version = 2
)

// StateFormat values: a framework.Portable student's portable form, or a
// student's own Save.
const (
	StatePortable = portable.Format
	StateNative   = "native"
)

// maxFile bounds a student file read into memory (1 GiB).
const maxFile = 1 << 30

// StudentFile is the JSON layout of a student checkpoint file.
type StudentFile struct {
	Format  string           `json:"format"`
	Version int              `json:"version"`
	Kind    string           `json:"kind"`
	Env     string           `json:"env"`
	Seed    uint64           `json:"seed"`
	Params  framework.Params `json:"params"`
	Adam    framework.Adam   `json:"adam"`
	// Size is the network's size when saved (version 2).
	Size *framework.Size `json:"size,omitempty"`
	// StateFormat says what State holds (version 2; version 1 is native).
	StateFormat string `json:"state_format,omitempty"`
	// StateSHA256 is the SHA-256 of State in hex (version 2).
	StateSHA256 string `json:"state_sha256,omitempty"`
	// State is the student's state, base64 in JSON.
	State []byte `json:"state"`
}

// SaveStudent writes a student checkpoint file atomically.
func SaveStudent(path, kind, env string, cfg framework.StudentConfig, s framework.Student) error {
	var state bytes.Buffer
	format := StatePortable
	p, ok := s.(framework.Portable)
	if ok {
		err := p.SavePortable(&state)
		if errors.Is(err, framework.ErrNotPortable) {
			ok = false
		} else if err != nil {
			return fmt.Errorf("saving %s student: %w", kind, err)
		}
	}
	if !ok {
		format = StateNative
		state.Reset()
		if err := s.Save(&state); err != nil {
			return fmt.Errorf("saving %s student: %w", kind, err)
		}
	}
	sum := sha256.Sum256(state.Bytes())
	size := s.Size()
	data, err := json.Marshal(StudentFile{
		Format: Format, Version: Version, Kind: kind, Env: env, Seed: cfg.Seed,
		Params: cfg.Params, Adam: cfg.Adam, Size: &size,
		StateFormat: format, StateSHA256: hex.EncodeToString(sum[:]), State: state.Bytes(),
	})
	if err != nil {
		return fmt.Errorf("encoding student checkpoint: %w", err)
	}
	return atomicfile.Write(path, data)
}

// MakeStudent builds a student of a kind (framework.MakeStudent, or a
// plugin's).
type MakeStudent func(kind string, cfg framework.StudentConfig) (framework.Student, error)

// LoadStudent reads a student checkpoint file and rebuilds the student for
// env, which must be the environment it was trained on. Before building
// anything it checks the state against its checksum and, for kinds with a
// framework.StudentSizer, that the settings do not declare a network far
// larger than the data the file holds.
func LoadStudent(path string, env framework.EnvSpec, make MakeStudent) (framework.Student, *StudentFile, error) {
	fi, err := os.Stat(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, nil, fmt.Errorf("student checkpoint %s does not exist", path)
		}
		return nil, nil, fmt.Errorf("reading student checkpoint: %w", err)
	}
	if fi.Size() > maxFile {
		return nil, nil, fmt.Errorf("student checkpoint %s is %d bytes, more than arena reads (%d)", path, fi.Size(), maxFile)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, fmt.Errorf("reading student checkpoint: %w", err)
	}
	var f StudentFile
	if err := json.Unmarshal(data, &f); err != nil || f.Format != Format {
		return nil, nil, fmt.Errorf("%s is not an arena student checkpoint", path)
	}
	switch f.Version {
	case 1:
		f.StateFormat = StateNative
	case 2:
		sum := sha256.Sum256(f.State)
		if f.StateSHA256 != hex.EncodeToString(sum[:]) {
			return nil, nil, fmt.Errorf("student checkpoint %s is damaged: its state does not match its checksum", path)
		}
		if f.StateFormat != StateNative && f.StateFormat != StatePortable {
			return nil, nil, fmt.Errorf("student checkpoint %s has state format %q", path, f.StateFormat)
		}
	default:
		return nil, nil, fmt.Errorf("student checkpoint %s has format version %d; this arena reads versions 1 and %d", path, f.Version, Version)
	}
	if f.Env != env.ID {
		return nil, nil, fmt.Errorf("student checkpoint %s was trained on %s, not %s", path, f.Env, env.ID)
	}
	if f.Params == nil {
		f.Params = framework.Params{}
	}
	cfg := framework.StudentConfig{
		ObservationSpace: env.ObservationSpace, ActionSpace: env.ActionSpace,
		Seed: f.Seed, Adam: f.Adam, Params: f.Params,
	}
	values := len(f.State) / 8 // the most float64 values the state can hold
	if f.StateFormat == StatePortable {
		m, err := portable.Read(f.State)
		if err != nil {
			return nil, nil, fmt.Errorf("student checkpoint %s: %w", path, err)
		}
		values = 0
		for _, t := range m.Tensors {
			values += len(t.Data)
		}
	}
	// A student is built from the settings before its state is loaded; a
	// small file must not make it allocate a huge network.
	if bound, ok, err := framework.StudentParamsBound(f.Kind, cfg); err != nil {
		return nil, nil, fmt.Errorf("student checkpoint %s: %w", path, err)
	} else if ok && bound > 4*values+4096 {
		return nil, nil, fmt.Errorf("student checkpoint %s: its settings declare a network of up to %d parameters, its state holds at most %d values", path, bound, values)
	}
	s, err := make(f.Kind, cfg)
	if err != nil {
		return nil, nil, fmt.Errorf("student checkpoint %s: %w", path, err)
	}
	if err := s.Load(bytes.NewReader(f.State)); err != nil {
		return nil, nil, fmt.Errorf("student checkpoint %s: %w", path, err)
	}
	return s, &f, nil
}
