package framework

import (
	"fmt"
	"sort"
	"strings"
	"sync"
)

// EnvMaker makes a fresh environment instance.
type EnvMaker func() (Env, error)

// TeacherMaker makes a teacher for an environment. arg is what follows the
// teacher's name and a colon in a policy spec ("ppo:PATH" gives "PATH"), or
// "" when nothing follows.
type TeacherMaker func(env EnvSpec, arg string) (Teacher, error)

// StudentMaker builds a student from its configuration.
type StudentMaker func(cfg StudentConfig) (Student, error)

type registry[T any] struct {
	mu    sync.RWMutex
	what  string
	items map[string]T
}

func (r *registry[T]) register(name string, v T) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.items == nil {
		r.items = map[string]T{}
	}
	if _, dup := r.items[name]; dup {
		panic(fmt.Sprintf("framework: %s %q registered twice", r.what, name))
	}
	r.items[name] = v
}

func (r *registry[T]) lookup(name string) (T, error) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	v, ok := r.items[name]
	if !ok {
		return v, fmt.Errorf("unknown %s %q (known: %s)", r.what, name, strings.Join(r.namesLocked(), ", "))
	}
	return v, nil
}

func (r *registry[T]) names() []string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.namesLocked()
}

func (r *registry[T]) namesLocked() []string {
	names := make([]string, 0, len(r.items))
	for n := range r.items {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

var (
	envs     = registry[EnvMaker]{what: "environment"}
	teachers = registry[TeacherMaker]{what: "teacher"}
	students = registry[StudentMaker]{what: "student kind"}
)

// RegisterEnv makes an environment available by ID. It panics when the ID is
// taken, since that is a programming error.
func RegisterEnv(id string, make EnvMaker) { envs.register(id, make) }

// MakeEnv makes a registered environment; an unknown ID is an error listing
// the known ones.
func MakeEnv(id string) (Env, error) {
	m, err := envs.lookup(id)
	if err != nil {
		return nil, err
	}
	return m()
}

// EnvIDs lists the registered environments in sorted order.
func EnvIDs() []string { return envs.names() }

// RegisterTeacher makes a teacher available by name (e.g. "expert", "ppo").
func RegisterTeacher(name string, make TeacherMaker) { teachers.register(name, make) }

// MakeTeacher makes a teacher from a spec "NAME" or "NAME:ARG" for an
// environment.
func MakeTeacher(spec string, env EnvSpec) (Teacher, error) {
	name, arg, _ := strings.Cut(spec, ":")
	m, err := teachers.lookup(name)
	if err != nil {
		return nil, err
	}
	return m(env, arg)
}

// TeacherNames lists the registered teachers in sorted order.
func TeacherNames() []string { return teachers.names() }

// RegisterStudent makes a student kind available by name (e.g. "mlp").
func RegisterStudent(kind string, make StudentMaker) { students.register(kind, make) }

// MakeStudent builds a student of a registered kind.
func MakeStudent(kind string, cfg StudentConfig) (Student, error) {
	m, err := students.lookup(kind)
	if err != nil {
		return nil, err
	}
	return m(cfg)
}

// StudentKinds lists the registered student kinds in sorted order.
func StudentKinds() []string { return students.names() }
