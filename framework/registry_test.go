package framework

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

// Names registered here start with "test-" so they cannot clash with
// components registered by other packages' init functions.

func TestEnvRegistry(t *testing.T) {
	made := 0
	RegisterEnv("test-Env-v0", func() (Env, error) { made++; return &countEnv{}, nil })
	RegisterEnv("test-Broken-v0", func() (Env, error) { return nil, errors.New("no assets") })
	if _, err := MakeEnv("test-Env-v0"); err != nil || made != 1 {
		t.Errorf("MakeEnv: %v (made %d)", err, made)
	}
	if _, err := MakeEnv("test-Broken-v0"); err == nil || err.Error() != "no assets" {
		t.Errorf("a maker's error came back as %v", err)
	}
	ids := EnvIDs()
	if !slices.IsSorted(ids) || !slices.Contains(ids, "test-Env-v0") {
		t.Errorf("EnvIDs = %v", ids)
	}
	_, err := MakeEnv("test-Nope-v0")
	if err == nil || !strings.Contains(err.Error(), `unknown environment "test-Nope-v0"`) ||
		!strings.Contains(err.Error(), "test-Broken-v0, test-Env-v0") {
		t.Errorf("unknown ID: %v", err)
	}
	mustPanic(t, "duplicate env", func() { RegisterEnv("test-Env-v0", nil) })
}

func TestTeacherRegistry(t *testing.T) {
	var gotArg string
	var gotEnv string
	RegisterTeacher("test-teacher", func(env EnvSpec, arg string) (Teacher, error) {
		gotArg, gotEnv = arg, env.ID
		return nil, nil
	})
	spec := EnvSpec{ID: "X-v0"}
	for _, tt := range []struct{ spec, arg string }{
		{"test-teacher", ""},
		{"test-teacher:path/to/ckpt", "path/to/ckpt"},
		{"test-teacher:a:b", "a:b"},
		{"test-teacher:", ""},
	} {
		gotArg = "unset"
		if _, err := MakeTeacher(tt.spec, spec); err != nil || gotArg != tt.arg || gotEnv != "X-v0" {
			t.Errorf("MakeTeacher(%q): arg %q env %q err %v, want arg %q", tt.spec, gotArg, gotEnv, err, tt.arg)
		}
	}
	_, err := MakeTeacher("test-nobody:x", spec)
	if err == nil || !strings.Contains(err.Error(), `unknown teacher "test-nobody"`) || !strings.Contains(err.Error(), "test-teacher") {
		t.Errorf("unknown teacher: %v", err)
	}
	if names := TeacherNames(); !slices.Contains(names, "test-teacher") || !slices.IsSorted(names) {
		t.Errorf("TeacherNames = %v", names)
	}
	mustPanic(t, "duplicate teacher", func() { RegisterTeacher("test-teacher", nil) })
}

func TestStudentRegistry(t *testing.T) {
	var got StudentConfig
	RegisterStudent("test-kind", func(cfg StudentConfig) (Student, error) { got = cfg; return nil, nil })
	if _, err := MakeStudent("test-kind", StudentConfig{Seed: 42}); err != nil || got.Seed != 42 {
		t.Errorf("MakeStudent: %v, config seed %d", err, got.Seed)
	}
	_, err := MakeStudent("test-none", StudentConfig{})
	if err == nil || !strings.Contains(err.Error(), `unknown student kind "test-none"`) || !strings.Contains(err.Error(), "test-kind") {
		t.Errorf("unknown kind: %v", err)
	}
	if kinds := StudentKinds(); !slices.Contains(kinds, "test-kind") {
		t.Errorf("StudentKinds = %v", kinds)
	}
	mustPanic(t, "duplicate student", func() { RegisterStudent("test-kind", nil) })
}

func mustPanic(t *testing.T, what string, f func()) {
	t.Helper()
	defer func() {
		if recover() == nil {
			t.Errorf("%s did not panic", what)
		}
	}()
	f()
}
