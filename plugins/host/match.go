package host

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/smgrnn/arena/framework"
	"github.com/smgrnn/arena/framework/match"
)

// Resolver resolves a match's components to providers: a component a
// declared [[plugin]] offers comes from that plugin (the user declared it
// on purpose, so it takes precedence over a built-in of the same name);
// anything else is a built-in, in process when the match's or the entry's
// in_process says so, else in a re-executed "arena plugin serve".
type Resolver struct {
	h       *Host
	m       *match.Match
	plugins []Provider
	descs   []Description
}

// Resolver loads every plugin a match declares (checking paths, checksums
// and handshakes before anything runs) and returns the match's resolver.
// A plugin path is relative to the match file's folder. A declaration
// that cannot work wraps ErrBadPlugin or ErrChecksum.
func (h *Host) Resolver(m *match.Match) (*Resolver, error) {
	r := &Resolver{h: h, m: m}
	for _, pe := range m.Plugins {
		path := pe.Path
		if !filepath.IsAbs(path) && m.Dir != "" {
			path = filepath.Join(m.Dir, path)
		}
		p, err := h.Load(PluginSpec{Name: pe.Name, Path: path, SHA256: pe.SHA256, Args: pe.Args, CallTimeout: pe.Timeout()})
		if err != nil {
			return nil, err
		}
		d, err := p.Describe()
		if err != nil {
			return nil, err
		}
		r.plugins = append(r.plugins, p)
		r.descs = append(r.descs, d)
	}
	if err := r.Check(); err != nil {
		return r, err
	}
	for _, e := range m.Envs {
		if p, _ := r.find("env", e.ID, framework.EnvIDs()); p != nil {
			if err := CheckSeeded(p, e.ID); err != nil {
				h.logger.Warn(fmt.Sprintf("%s: runs on it will not be reproducible", err))
			}
		}
	}
	return r, nil
}

// seedCheckSteps is how far CheckSeeded plays: enough for a seed that is
// ignored to show, short enough to cost nothing next to a run.
const seedCheckSteps = 20

// CheckSeeded plays two fresh copies of a plugin's environment from the
// same seed with the same actions and reports where they part. An
// environment that ignores its seed (seeds from the clock, say) gives
// different scores in identical runs, and nothing else would say so.
func CheckSeeded(p Provider, id string) error {
	var eps [2][]float64
	for i := range eps {
		env, err := p.MakeEnv(id)
		if err != nil {
			return err
		}
		obs, err := env.Reset(framework.Seed(20250101))
		if err != nil {
			env.Close()
			return err
		}
		eps[i] = append(eps[i], obs...)
		act := env.Spec().ActionSpace
		rng := rand.New(rand.NewPCG(1, 2))
		a := make([]float64, act.Dim())
		for range seedCheckSteps {
			act.Sample(rng, a)
			st, err := env.Step(a)
			if err != nil {
				break
			}
			eps[i] = append(append(eps[i], st.Obs...), st.Reward)
			if st.Done() {
				break
			}
		}
		env.Close()
	}
	// Bit for bit, so that NaN equals NaN.
	if !slices.EqualFunc(eps[0], eps[1], func(x, y float64) bool { return math.Float64bits(x) == math.Float64bits(y) }) {
		return fmt.Errorf("plugin env %s is not deterministic: two copies reset with the same seed and given the same actions differ (does its reset use the seed?)", id)
	}
	return nil
}

// Check verifies that every env, teacher and student kind of the match is
// offered by a declared plugin or built in. The error names the first that
// is not, with the names that are known, in the registries' words.
func (r *Resolver) Check() error {
	unknown := func(where, what, label, name string, builtin []string) error {
		known := append([]string(nil), builtin...)
		for _, d := range r.descs {
			switch what {
			case "env":
				known = append(known, d.Envs...)
			case "teacher":
				known = append(known, d.Teachers...)
			case "student":
				known = append(known, d.Students...)
			}
		}
		sort.Strings(known)
		return fmt.Errorf("%s: %w: %s %q is neither built in nor offered by a declared plugin (known: %s)",
			where, ErrUnknownComponent, label, name, strings.Join(known, ", "))
	}
	for _, e := range r.m.Envs {
		if _, ok := r.find("env", e.ID, framework.EnvIDs()); !ok {
			return unknown(r.m.EnvWhere(e.ID), "env", "environment", e.ID, framework.EnvIDs())
		}
		if _, ok := r.find("teacher", e.Teacher, framework.TeacherNames()); !ok {
			return unknown(r.m.EnvWhere(e.ID), "teacher", "teacher", e.Teacher, framework.TeacherNames())
		}
	}
	for _, s := range r.m.Students {
		if _, ok := r.find("student", s.Kind, framework.StudentKinds()); !ok {
			return unknown(r.m.StudentWhere(s.Name), "student", "student kind", s.Kind, framework.StudentKinds())
		}
	}
	return nil
}

// ErrUnknownComponent says a match names a component nobody offers.
var ErrUnknownComponent = errors.New("unknown component")

// find looks a component up: a declared plugin's provider, or (nil, true)
// for a built-in (the caller picks in or out of process), or (nil, false).
// builtin lists the built-ins of that kind.
func (r *Resolver) find(what, name string, builtin []string) (Provider, bool) {
	for i, d := range r.descs {
		if d.Offers(what, name) {
			return r.plugins[i], true
		}
	}
	base := name
	if what == "teacher" {
		base, _, _ = strings.Cut(name, ":")
	}
	for _, b := range builtin {
		if b == base {
			return nil, true
		}
	}
	return nil, false
}

func (r *Resolver) provider(what, name string, builtin []string, inProcess *bool) (Provider, error) {
	p, ok := r.find(what, name, builtin)
	if !ok {
		return nil, fmt.Errorf("%w: %s %q is neither built in nor offered by a declared plugin", ErrUnknownComponent, what, name)
	}
	if p != nil {
		return p, nil
	}
	in := r.m.InProcess
	if inProcess != nil {
		in = *inProcess
	}
	return r.h.Builtin(in), nil
}

// ForEnv implements match.Resolver: the environment and its teacher may
// come from different providers (a plugin's teacher for a built-in env,
// or the reverse).
func (r *Resolver) ForEnv(e match.EnvEntry) (match.Components, error) {
	env, err := r.provider("env", e.ID, framework.EnvIDs(), e.InProcess)
	if err != nil {
		return nil, err
	}
	teacher, err := r.provider("teacher", e.Teacher, framework.TeacherNames(), e.InProcess)
	if err != nil {
		return nil, err
	}
	return split{env: env, teacher: teacher}, nil
}

// ForStudent implements match.Resolver.
func (r *Resolver) ForStudent(s match.StudentEntry) (match.Components, error) {
	return r.provider("student", s.Kind, framework.StudentKinds(), s.InProcess)
}

// split takes environments and teachers from different providers.
type split struct{ env, teacher Provider }

// MakeVectorEnv implements match.Components.
func (s split) MakeVectorEnv(id string, n int) (framework.VectorEnv, error) {
	return s.env.MakeVectorEnv(id, n)
}

// MakeTeacher implements match.Components.
func (s split) MakeTeacher(spec string, env framework.EnvSpec) (framework.Teacher, error) {
	return s.teacher.MakeTeacher(spec, env)
}

// MakeStudent implements match.Components.
func (s split) MakeStudent(kind string, cfg framework.StudentConfig) (framework.Student, error) {
	return nil, fmt.Errorf("environment components make no students")
}
