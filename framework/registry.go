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

// Registry is a table of named things (environments, teachers, student
// kinds, SPM strategies, commands), safe for concurrent use. The zero
// value with What set is ready to use: What names an item in messages
// ("environment", "strategy").
type Registry[T any] struct {
	What  string
	mu    sync.RWMutex
	items map[string]T
}

// Register adds v under name. It panics when the name is taken, since
// registrations are made by code, so a clash is a programming error.
func (r *Registry[T]) Register(name string, v T) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.items == nil {
		r.items = map[string]T{}
	}
	if _, dup := r.items[name]; dup {
		panic(fmt.Sprintf("%s %q registered twice", r.What, name))
	}
	r.items[name] = v
}

// Lookup returns the item registered under name; an unknown name is an
// error listing the known ones.
func (r *Registry[T]) Lookup(name string) (T, error) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	v, ok := r.items[name]
	if !ok {
		return v, fmt.Errorf("unknown %s %q (known: %s)", r.What, name, strings.Join(r.namesLocked(), ", "))
	}
	return v, nil
}

// Names lists the registered names in sorted order.
func (r *Registry[T]) Names() []string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.namesLocked()
}

func (r *Registry[T]) namesLocked() []string {
	names := make([]string, 0, len(r.items))
	for n := range r.items {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

var (
	envs     = Registry[EnvMaker]{What: "environment"}
	teachers = Registry[TeacherMaker]{What: "teacher"}
	students = Registry[StudentMaker]{What: "student kind"}
)

// RegisterEnv makes an environment available by ID. It panics when the ID is
// taken, since that is a programming error.
func RegisterEnv(id string, make EnvMaker) { envs.Register(id, make) }

// MakeEnv makes a registered environment; an unknown ID is an error listing
// the known ones.
func MakeEnv(id string) (Env, error) {
	m, err := envs.Lookup(id)
	if err != nil {
		return nil, err
	}
	return m()
}

// EnvIDs lists the registered environments in sorted order.
func EnvIDs() []string { return envs.Names() }

// RegisterTeacher makes a teacher available by name (e.g. "expert", "ppo").
func RegisterTeacher(name string, make TeacherMaker) { teachers.Register(name, make) }

// MakeTeacher makes a teacher from a spec "NAME" or "NAME:ARG" for an
// environment.
func MakeTeacher(spec string, env EnvSpec) (Teacher, error) {
	name, arg, _ := strings.Cut(spec, ":")
	m, err := teachers.Lookup(name)
	if err != nil {
		return nil, err
	}
	return m(env, arg)
}

// TeacherNames lists the registered teachers in sorted order.
func TeacherNames() []string { return teachers.Names() }

// RegisterStudent makes a student kind available by name (e.g. "mlp").
func RegisterStudent(kind string, make StudentMaker) { students.Register(kind, make) }

// MakeStudent builds a student of a registered kind.
func MakeStudent(kind string, cfg StudentConfig) (Student, error) {
	m, err := students.Lookup(kind)
	if err != nil {
		return nil, err
	}
	return m(cfg)
}

// StudentKinds lists the registered student kinds in sorted order.
func StudentKinds() []string { return students.Names() }

// StudentSizer returns, without building anything, an upper bound on the
// number of parameters the kind's maker allocates for a configuration, so
// a checkpoint's declared settings can be checked against its data before
// a student is built from them.
type StudentSizer func(cfg StudentConfig) (params int, err error)

var sizers = Registry[StudentSizer]{What: "student sizer"}

// RegisterStudentSizer registers the sizer of a student kind.
func RegisterStudentSizer(kind string, size StudentSizer) { sizers.Register(kind, size) }

// StudentParamsBound is the registered sizer's bound for a kind, and false
// when the kind has no sizer (plugin kinds among them).
func StudentParamsBound(kind string, cfg StudentConfig) (int, bool, error) {
	f, err := sizers.Lookup(kind)
	if err != nil {
		return 0, false, nil
	}
	n, err := f(cfg)
	return n, true, err
}
