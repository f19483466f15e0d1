package match

import (
	"github.com/smgrnn/arena/framework"
)

// Components makes a match's environments, teachers and students, in this
// process or through plugin processes.
type Components interface {
	MakeVectorEnv(id string, n int) (framework.VectorEnv, error)
	MakeTeacher(spec string, env framework.EnvSpec) (framework.Teacher, error)
	MakeStudent(kind string, cfg framework.StudentConfig) (framework.Student, error)
}

// Resolver says which Components serve an env (with its teacher) and a
// student of a match.
type Resolver interface {
	ForEnv(e EnvEntry) (Components, error)
	ForStudent(s StudentEntry) (Components, error)
}

// Registry is Components over this process's framework registries.
type Registry struct{}

// MakeVectorEnv implements Components.
func (Registry) MakeVectorEnv(id string, n int) (framework.VectorEnv, error) {
	return framework.MakeVectorEnv(id, n)
}

// MakeTeacher implements Components.
func (Registry) MakeTeacher(spec string, env framework.EnvSpec) (framework.Teacher, error) {
	return framework.MakeTeacher(spec, env)
}

// MakeStudent implements Components.
func (Registry) MakeStudent(kind string, cfg framework.StudentConfig) (framework.Student, error) {
	return framework.MakeStudent(kind, cfg)
}

// InProcess resolves every component to this process's registries.
type InProcess struct{}

// ForEnv implements Resolver.
func (InProcess) ForEnv(EnvEntry) (Components, error) { return Registry{}, nil }

// ForStudent implements Resolver.
func (InProcess) ForStudent(StudentEntry) (Components, error) { return Registry{}, nil }
