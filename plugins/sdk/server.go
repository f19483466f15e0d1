package sdk

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"sort"
	"sync"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/smgrnn/arena/framework"
	"github.com/smgrnn/arena/plugins/internal/wire"
	arenav1 "github.com/smgrnn/arena/plugins/proto/arena/v1"
)

// Components is what a plugin offers: makers keyed by environment ID,
// teacher name and student kind, exactly as they would be registered with
// framework.RegisterEnv, RegisterTeacher and RegisterStudent.
type Components struct {
	// Name and Version identify the plugin in logs and results.
	Name, Version string
	Envs          map[string]framework.EnvMaker
	Teachers      map[string]framework.TeacherMaker
	Students      map[string]framework.StudentMaker
}

// Registered returns every component in the framework registries of this
// binary: what "arena plugin serve" offers.
func Registered(name, version string) Components {
	c := Components{Name: name, Version: version,
		Envs: map[string]framework.EnvMaker{}, Teachers: map[string]framework.TeacherMaker{}, Students: map[string]framework.StudentMaker{}}
	for _, id := range framework.EnvIDs() {
		c.Envs[id] = func() (framework.Env, error) { return framework.MakeEnv(id) }
	}
	for _, n := range framework.TeacherNames() {
		c.Teachers[n] = func(env framework.EnvSpec, arg string) (framework.Teacher, error) {
			spec := n
			if arg != "" {
				spec += ":" + arg
			}
			return framework.MakeTeacher(spec, env)
		}
	}
	for _, k := range framework.StudentKinds() {
		c.Students[k] = func(cfg framework.StudentConfig) (framework.Student, error) { return framework.MakeStudent(k, cfg) }
	}
	return c
}

// Server implements the arena.v1 services over Components. Serve runs it in
// a plugin process; tests may register it on any grpc.Server.
type Server struct {
	arenav1.UnimplementedPluginServer
	c Components

	mu       sync.Mutex
	next     uint64
	envs     map[uint64]*envInstance
	teachers map[uint64]*teacherInstance
	students map[uint64]*studentInstance
}

// NewServer returns a Server over c.
func NewServer(c Components) *Server {
	return &Server{c: c, envs: map[uint64]*envInstance{}, teachers: map[uint64]*teacherInstance{}, students: map[uint64]*studentInstance{}}
}

// Services are the arena.v1 service implementations of a Server, for
// plugins that wrap one of them (e.g. to add caching, or, in arena's own
// tests, to break the protocol on purpose).
type Services struct {
	Plugin  arenav1.PluginServer
	Env     arenav1.EnvServer
	Teacher arenav1.TeacherServer
	Student arenav1.StudentServer
	// NoChannels leaves OpenChannel to Plugin (Unimplemented by default),
	// so hosts make hot calls as unary calls. By default Register
	// serves channels for the Env, Teacher and Student services above.
	NoChannels bool
}

// Services returns the Server's service implementations.
func (s *Server) Services() Services {
	return Services{Plugin: s, Env: envServer{s: s}, Teacher: teacherServer{s: s}, Student: studentServer{s: s}}
}

// Register adds the Plugin, Env, Teacher and Student services to g.
func (s *Server) Register(g *grpc.Server) { s.Services().Register(g) }

// Register adds the services to g.
func (v Services) Register(g *grpc.Server) {
	if v.NoChannels {
		arenav1.RegisterPluginServer(g, v.Plugin)
	} else {
		arenav1.RegisterPluginServer(g, withChannels(v))
	}
	arenav1.RegisterEnvServer(g, v.Env)
	arenav1.RegisterTeacherServer(g, v.Teacher)
	arenav1.RegisterStudentServer(g, v.Student)
}

// Describe implements arenav1.PluginServer.
func (s *Server) Describe(context.Context, *arenav1.DescribeRequest) (*arenav1.DescribeResponse, error) {
	return &arenav1.DescribeResponse{Name: s.c.Name, Version: s.c.Version, ProtocolMinor: wire.ProtocolMinor,
		Envs: keys(s.c.Envs), Teachers: keys(s.c.Teachers), Students: keys(s.c.Students)}, nil
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func (s *Server) handle() uint64 {
	s.next++
	return s.next
}

// recoverUnary turns a panic in a component into an Internal error for the
// one call, so a bug in one instance does not end the process and every
// other instance with it.
func recoverUnary(ctx context.Context, req any, info *grpc.UnaryServerInfo, h grpc.UnaryHandler) (resp any, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = panicked(info.FullMethod, r)
		}
	}()
	return h(ctx, req)
}

// panicked writes the stack to stderr, where the host keeps the last lines
// for its error message, and returns a short error for the call.
func panicked(method string, r any) error {
	fmt.Fprintf(Stderr, "panic in %s: %v\n%s", method, r, debug.Stack())
	return status.Errorf(codes.Internal, "%s panicked: %v", method, r)
}

// invalid and failed build the status errors the host shows to the user.
func invalid(format string, args ...any) error {
	return status.Errorf(codes.InvalidArgument, format, args...)
}

func failed(err error) error {
	if errors.Is(err, framework.ErrNeedsReset) {
		// The host turns this code back into framework.ErrNeedsReset.
		return status.Error(codes.FailedPrecondition, err.Error())
	}
	return status.Error(codes.Unknown, err.Error())
}

func noHandle(what string, h uint64) error {
	return status.Errorf(codes.NotFound, "no open %s with handle %d", what, h)
}

// lookup returns the open instance under handle h in one of the server's
// tables (envs, teachers, students).
func lookup[T any](s *Server, table map[uint64]*T, what string, h uint64) (*T, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	in, ok := table[h]
	if !ok {
		return nil, noHandle(what, h)
	}
	return in, nil
}

// add stores a new instance in one of the server's tables and returns its
// handle.
func add[T any](s *Server, table map[uint64]*T, in *T) uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	h := s.handle()
	table[h] = in
	return h
}
