// Package checkpoint reads and writes student checkpoint files: a student's
// own checkpoint (Student.Save) wrapped with what is needed to rebuild it —
// its kind, settings, seed and the environment it was trained on — so that
// "arena eval --policy student:PATH" can load any student.
package checkpoint

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"

	"github.com/smgrnn/arena/framework"
	"github.com/smgrnn/arena/framework/atomicfile"
)

// Format and Version identify a student checkpoint file.
const (
	Format  = "arena-student"
	Version = 1
)

// StudentFile is the JSON layout of a student checkpoint file.
type StudentFile struct {
	Format  string           `json:"format"`
	Version int              `json:"version"`
	Kind    string           `json:"kind"`
	Env     string           `json:"env"`
	Seed    uint64           `json:"seed"`
	Params  framework.Params `json:"params"`
	Adam    framework.Adam   `json:"adam"`
	// State is the student's own checkpoint (Student.Save), base64 in JSON.
	State []byte `json:"state"`
}

// SaveStudent writes a student checkpoint file atomically.
func SaveStudent(path, kind, env string, cfg framework.StudentConfig, s framework.Student) error {
	var state bytes.Buffer
	if err := s.Save(&state); err != nil {
		return fmt.Errorf("saving %s student: %w", kind, err)
	}
	data, err := json.Marshal(StudentFile{
		Format: Format, Version: Version, Kind: kind, Env: env, Seed: cfg.Seed,
		Params: cfg.Params, Adam: cfg.Adam, State: state.Bytes(),
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
// env, which must be the environment it was trained on.
func LoadStudent(path string, env framework.EnvSpec, make MakeStudent) (framework.Student, *StudentFile, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, nil, fmt.Errorf("student checkpoint %s does not exist", path)
		}
		return nil, nil, fmt.Errorf("reading student checkpoint: %w", err)
	}
	var f StudentFile
	if err := json.Unmarshal(data, &f); err != nil || f.Format != Format {
		return nil, nil, fmt.Errorf("%s is not an arena student checkpoint", path)
	}
	if f.Version != Version {
		return nil, nil, fmt.Errorf("student checkpoint %s has format version %d; this arena reads version %d", path, f.Version, Version)
	}
	if f.Env != env.ID {
		return nil, nil, fmt.Errorf("student checkpoint %s was trained on %s, not %s", path, f.Env, env.ID)
	}
	if f.Params == nil {
		f.Params = framework.Params{}
	}
	s, err := make(f.Kind, framework.StudentConfig{
		ObservationSpace: env.ObservationSpace, ActionSpace: env.ActionSpace,
		Seed: f.Seed, Adam: f.Adam, Params: f.Params,
	})
	if err != nil {
		return nil, nil, fmt.Errorf("student checkpoint %s: %w", path, err)
	}
	if err := s.Load(bytes.NewReader(f.State)); err != nil {
		return nil, nil, fmt.Errorf("student checkpoint %s: %w", path, err)
	}
	return s, &f, nil
}
