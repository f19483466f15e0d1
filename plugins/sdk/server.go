package sdk

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image/png"
	"runtime/debug"
	"sort"
	"strings"
	"sync"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/smgrnn/arena/framework"
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
	return &arenav1.DescribeResponse{Name: s.c.Name, Version: s.c.Version, ProtocolMinor: ProtocolMinor,
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

// ---- environments ----

type envInstance struct {
	mu             sync.Mutex
	single         framework.Env
	vec            framework.VectorEnv
	n              int
	obsDim, actDim int
}

type envServer struct {
	arenav1.UnimplementedEnvServer
	s *Server
}

func (e envServer) get(h uint64) (*envInstance, error) {
	return lookup(e.s, e.s.envs, "environment", h)
}

// maxCopies bounds a vector so a bad request cannot exhaust memory.
const maxCopies = 1 << 16

// Open implements arenav1.EnvServer.
func (e envServer) Open(_ context.Context, req *arenav1.EnvOpenRequest) (*arenav1.EnvOpenResponse, error) {
	maker, ok := e.s.c.Envs[req.Id]
	if !ok {
		return nil, status.Errorf(codes.NotFound, "unknown environment %q (this plugin offers: %v)", req.Id, keys(e.s.c.Envs))
	}
	in := &envInstance{n: 1}
	var spec framework.EnvSpec
	renderable := false
	if req.Vector {
		if req.NumEnvs == 0 || req.NumEnvs > maxCopies {
			return nil, invalid("vector of %s needs 1 to %d copies, got %d", req.Id, maxCopies, req.NumEnvs)
		}
		vec, err := makeVector(maker, int(req.NumEnvs))
		if err != nil {
			return nil, failed(fmt.Errorf("make %s: %w", req.Id, err))
		}
		in.vec, in.n, spec = vec, int(req.NumEnvs), vec.Spec()
	} else {
		env, err := maker()
		if err != nil {
			return nil, failed(fmt.Errorf("make %s: %w", req.Id, err))
		}
		in.single, spec = env, env.Spec()
		_, renderable = env.(framework.Renderer)
	}
	ps, err := EnvSpecToProto(spec)
	if err != nil {
		e.closeInstance(in)
		return nil, failed(err)
	}
	in.obsDim, in.actDim = spec.ObservationSpace.Dim(), spec.ActionSpace.Dim()
	h := add(e.s, e.s.envs, in)
	return &arenav1.EnvOpenResponse{Handle: h, Spec: ps, Renderable: renderable}, nil
}

// makeVector makes n copies stepped together: through the environment's
// own framework.VectorMaker when it has one, else in a SyncVectorEnv.
func makeVector(maker framework.EnvMaker, n int) (framework.VectorEnv, error) {
	first, err := maker()
	if err != nil {
		return nil, err
	}
	if vm, ok := first.(framework.VectorMaker); ok {
		defer first.Close()
		return vm.NewVector(n)
	}
	copies := []framework.Env{first}
	for len(copies) < n {
		env, err := maker()
		if err != nil {
			for _, c := range copies {
				c.Close()
			}
			return nil, err
		}
		copies = append(copies, env)
	}
	return framework.NewSyncVectorEnv(copies)
}

func (e envServer) closeInstance(in *envInstance) error {
	if in.vec != nil {
		return in.vec.Close()
	}
	return in.single.Close()
}

// Reset implements arenav1.EnvServer.
func (e envServer) Reset(_ context.Context, req *arenav1.EnvResetRequest) (*arenav1.EnvResetResponse, error) {
	in, err := e.get(req.Handle)
	if err != nil {
		return nil, err
	}
	in.mu.Lock()
	defer in.mu.Unlock()
	var obs []float64
	if in.vec != nil {
		obs, err = in.vec.Reset(req.Seed)
		// The vector owns obs; the response is marshalled after we return.
		obs = append([]float64(nil), obs...)
	} else {
		obs, err = in.single.Reset(req.Seed)
	}
	if err != nil {
		return nil, failed(err)
	}
	return &arenav1.EnvResetResponse{Obs: obs}, nil
}

// Step implements arenav1.EnvServer.
func (e envServer) Step(_ context.Context, req *arenav1.EnvStepRequest) (*arenav1.EnvStepResponse, error) {
	in, err := e.get(req.Handle)
	if err != nil {
		return nil, err
	}
	if len(req.Actions) != in.n*in.actDim {
		return nil, invalid("step got %d action values, want %d copies × %d", len(req.Actions), in.n, in.actDim)
	}
	in.mu.Lock()
	defer in.mu.Unlock()
	if in.vec != nil {
		st, err := in.vec.Step(req.Actions)
		if err != nil {
			return nil, failed(err)
		}
		resp := &arenav1.EnvStepResponse{
			Obs:        append([]float64(nil), st.Obs...),
			Rewards:    append([]float64(nil), st.Rewards...),
			Terminated: append([]bool(nil), st.Terminated...),
			Truncated:  append([]bool(nil), st.Truncated...),
		}
		// Final observations only matter for copies that just ended; most
		// steps end none, and then they are left out (a third of the
		// message for CartPole).
		for i := range st.Terminated {
			if st.Terminated[i] || st.Truncated[i] {
				resp.FinalObs = append([]float64(nil), st.FinalObs...)
				break
			}
		}
		return resp, nil
	}
	st, err := in.single.Step(req.Actions)
	if err != nil {
		return nil, failed(err)
	}
	return &arenav1.EnvStepResponse{Obs: st.Obs, Rewards: []float64{st.Reward},
		Terminated: []bool{st.Terminated}, Truncated: []bool{st.Truncated}}, nil
}

// Render implements arenav1.EnvServer.
func (e envServer) Render(_ context.Context, req *arenav1.EnvRenderRequest) (*arenav1.EnvRenderResponse, error) {
	in, err := e.get(req.Handle)
	if err != nil {
		return nil, err
	}
	in.mu.Lock()
	defer in.mu.Unlock()
	r, ok := in.single.(framework.Renderer)
	if in.vec != nil || !ok {
		return nil, status.Error(codes.Unimplemented, "this environment does not render")
	}
	img, err := r.Render()
	if err != nil {
		return nil, failed(err)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, failed(fmt.Errorf("encode frame: %w", err))
	}
	return &arenav1.EnvRenderResponse{Png: buf.Bytes()}, nil
}

// Close implements arenav1.EnvServer.
func (e envServer) Close(_ context.Context, req *arenav1.CloseRequest) (*arenav1.CloseResponse, error) {
	e.s.mu.Lock()
	in, ok := e.s.envs[req.Handle]
	delete(e.s.envs, req.Handle)
	e.s.mu.Unlock()
	if !ok {
		return &arenav1.CloseResponse{}, nil // closing twice is not an error
	}
	in.mu.Lock()
	defer in.mu.Unlock()
	if err := e.closeInstance(in); err != nil {
		return nil, failed(err)
	}
	return &arenav1.CloseResponse{}, nil
}

// ---- teachers ----

type teacherInstance struct {
	mu             sync.Mutex
	t              framework.Teacher
	obsDim, actDim int
}

type teacherServer struct {
	arenav1.UnimplementedTeacherServer
	s *Server
}

func (t teacherServer) get(h uint64) (*teacherInstance, error) {
	return lookup(t.s, t.s.teachers, "teacher", h)
}

// Open implements arenav1.TeacherServer.
func (t teacherServer) Open(_ context.Context, req *arenav1.TeacherOpenRequest) (*arenav1.TeacherOpenResponse, error) {
	name, arg, _ := strings.Cut(req.Spec, ":")
	maker, ok := t.s.c.Teachers[name]
	if !ok {
		return nil, status.Errorf(codes.NotFound, "unknown teacher %q (this plugin offers: %v)", name, keys(t.s.c.Teachers))
	}
	env, err := EnvSpecFromProto(req.Env)
	if err != nil {
		return nil, invalid("teacher %s: %v", req.Spec, err)
	}
	teacher, err := maker(env, arg)
	if err != nil {
		return nil, failed(fmt.Errorf("make teacher %s for %s: %w", req.Spec, env.ID, err))
	}
	obsSpace, as := teacher.Spaces()
	po, err := SpaceToProto(obsSpace)
	if err != nil {
		return nil, failed(err)
	}
	pa, err := SpaceToProto(as)
	if err != nil {
		return nil, failed(err)
	}
	h := add(t.s, t.s.teachers, &teacherInstance{t: teacher, obsDim: obsSpace.Dim(), actDim: as.Dim()})
	return &arenav1.TeacherOpenResponse{Handle: h, ObservationSpace: po, ActionSpace: pa}, nil
}

// act answers an Act call of a teacher or a student: the policy's actions
// for a checked batch, under its instance's lock.
func act(mu *sync.Mutex, p framework.Policy, obsDim, actDim int, req *arenav1.BatchRequest) (*arenav1.ActResponse, error) {
	if err := checkBatch(req.Obs, req.N, obsDim); err != nil {
		return nil, err
	}
	mu.Lock()
	defer mu.Unlock()
	actions := make([]float64, int(req.N)*actDim)
	if err := p.Act(req.Obs, int(req.N), actions); err != nil {
		return nil, failed(err)
	}
	return &arenav1.ActResponse{Actions: actions}, nil
}

func checkBatch(obs []float64, n uint32, dim int) error {
	if uint64(len(obs)) != uint64(n)*uint64(dim) {
		return invalid("batch of %d observations has %d values, want %d × %d", n, len(obs), n, dim)
	}
	return nil
}

// Act implements arenav1.TeacherServer.
func (t teacherServer) Act(_ context.Context, req *arenav1.BatchRequest) (*arenav1.ActResponse, error) {
	in, err := t.get(req.Handle)
	if err != nil {
		return nil, err
	}
	return act(&in.mu, in.t, in.obsDim, in.actDim, req)
}

// Label implements arenav1.TeacherServer.
func (t teacherServer) Label(_ context.Context, req *arenav1.BatchRequest) (*arenav1.Labels, error) {
	in, err := t.get(req.Handle)
	if err != nil {
		return nil, err
	}
	if err := checkBatch(req.Obs, req.N, in.obsDim); err != nil {
		return nil, err
	}
	in.mu.Lock()
	defer in.mu.Unlock()
	var l framework.Labels
	if err := in.t.Label(req.Obs, int(req.N), &l); err != nil {
		return nil, failed(err)
	}
	return LabelsToProto(&l), nil
}

// LabelsToProto converts teacher labels to their wire form.
func LabelsToProto(l *framework.Labels) *arenav1.Labels {
	return &arenav1.Labels{Actions: l.Actions, HasProbs: l.Probs != nil, Probs: l.Probs,
		HasGaussian: l.Mean != nil, Mean: l.Mean, Std: l.Std}
}

// LabelsFromProto converts wire labels back, keeping nil for an absent
// distribution (Labels.Soft depends on it).
func LabelsFromProto(p *arenav1.Labels, out *framework.Labels) {
	out.Actions = append(out.Actions[:0], p.GetActions()...)
	out.Probs, out.Mean, out.Std = nil, nil, nil
	if p.GetHasProbs() {
		out.Probs = append(make([]float64, 0, len(p.Probs)), p.Probs...)
	}
	if p.GetHasGaussian() {
		out.Mean = append(make([]float64, 0, len(p.Mean)), p.Mean...)
		out.Std = append(make([]float64, 0, len(p.Std)), p.Std...)
	}
}

// Close implements arenav1.TeacherServer.
func (t teacherServer) Close(_ context.Context, req *arenav1.CloseRequest) (*arenav1.CloseResponse, error) {
	t.s.mu.Lock()
	delete(t.s.teachers, req.Handle)
	t.s.mu.Unlock()
	return &arenav1.CloseResponse{}, nil
}

// ---- students ----

type studentInstance struct {
	mu             sync.Mutex
	st             framework.Student
	obsDim, actDim int
}

type studentServer struct {
	arenav1.UnimplementedStudentServer
	s *Server
}

func (t studentServer) get(h uint64) (*studentInstance, error) {
	return lookup(t.s, t.s.students, "student", h)
}

// Open implements arenav1.StudentServer.
func (t studentServer) Open(_ context.Context, req *arenav1.StudentOpenRequest) (*arenav1.StudentOpenResponse, error) {
	maker, ok := t.s.c.Students[req.Kind]
	if !ok {
		return nil, status.Errorf(codes.NotFound, "unknown student kind %q (this plugin offers: %v)", req.Kind, keys(t.s.c.Students))
	}
	obs, err := SpaceFromProto(req.ObservationSpace)
	if err != nil {
		return nil, invalid("observation space: %v", err)
	}
	act, err := SpaceFromProto(req.ActionSpace)
	if err != nil {
		return nil, invalid("action space: %v", err)
	}
	params, err := ParamsFromJSON(req.ParamsJson)
	if err != nil {
		return nil, invalid("%v", err)
	}
	st, err := maker(framework.StudentConfig{ObservationSpace: obs, ActionSpace: act, Seed: req.Seed,
		Adam: AdamFromProto(req.Adam), Params: params})
	if err != nil {
		return nil, failed(fmt.Errorf("make student %s: %w", req.Kind, err))
	}
	_, structural := st.(framework.Structural)
	h := add(t.s, t.s.students, &studentInstance{st: st, obsDim: obs.Dim(), actDim: act.Dim()})
	return &arenav1.StudentOpenResponse{Handle: h, Structural: structural}, nil
}

// Act implements arenav1.StudentServer.
func (t studentServer) Act(_ context.Context, req *arenav1.BatchRequest) (*arenav1.ActResponse, error) {
	in, err := t.get(req.Handle)
	if err != nil {
		return nil, err
	}
	return act(&in.mu, in.st, in.obsDim, in.actDim, req)
}

// SizeToProto converts a network size to its wire form.
func SizeToProto(s framework.Size) *arenav1.Size {
	return &arenav1.Size{Params: int64(s.Params), Hidden: int64(s.Hidden), Edges: int64(s.Edges)}
}

// SizeFromProto converts a wire size back.
func SizeFromProto(p *arenav1.Size) framework.Size {
	return framework.Size{Params: int(p.GetParams()), Hidden: int(p.GetHidden()), Edges: int(p.GetEdges())}
}

// Train implements arenav1.StudentServer.
func (t studentServer) Train(_ context.Context, req *arenav1.TrainRequest) (*arenav1.TrainResponse, error) {
	in, err := t.get(req.Handle)
	if err != nil {
		return nil, err
	}
	in.mu.Lock()
	defer in.mu.Unlock()
	loss, err := in.train(req)
	if err != nil {
		return nil, err
	}
	return &arenav1.TrainResponse{Loss: loss, Size: SizeToProto(in.st.Size())}, nil
}

// TrainBatches implements arenav1.StudentServer: Train on each minibatch in
// turn, stopping at the first that fails, whose status goes in the reply.
func (t studentServer) TrainBatches(_ context.Context, req *arenav1.TrainBatchesRequest) (*arenav1.TrainBatchesResponse, error) {
	in, err := t.get(req.Handle)
	if err != nil {
		return nil, err
	}
	in.mu.Lock()
	defer in.mu.Unlock()
	resp := &arenav1.TrainBatchesResponse{Losses: make([]float64, 0, len(req.Batches))}
	for _, b := range req.Batches {
		loss, err := in.train(b)
		if err != nil {
			st := status.Convert(err)
			resp.ErrorCode, resp.ErrorMessage = uint32(st.Code()), st.Message()
			break
		}
		resp.Losses = append(resp.Losses, loss)
	}
	resp.Size = SizeToProto(in.st.Size())
	return resp, nil
}

// train checks one minibatch and trains on it; the caller holds in.mu.
func (in *studentInstance) train(req *arenav1.TrainRequest) (float64, error) {
	if err := checkBatch(req.Obs, req.N, in.obsDim); err != nil {
		return 0, err
	}
	b := framework.Batch{Obs: req.Obs, N: int(req.N)}
	if req.Labels != nil {
		LabelsFromProto(req.Labels, &b.Labels)
	}
	if len(b.Labels.Actions) != int(req.N)*in.actDim {
		return 0, invalid("minibatch of %d has %d action labels, want %d × %d", req.N, len(b.Labels.Actions), req.N, in.actDim)
	}
	loss, err := in.st.Train(b)
	if err != nil {
		return 0, failed(err)
	}
	return loss, nil
}

// Size implements arenav1.StudentServer.
func (t studentServer) Size(_ context.Context, req *arenav1.SizeRequest) (*arenav1.SizeResponse, error) {
	in, err := t.get(req.Handle)
	if err != nil {
		return nil, err
	}
	in.mu.Lock()
	defer in.mu.Unlock()
	return &arenav1.SizeResponse{Size: SizeToProto(in.st.Size())}, nil
}

// Save implements arenav1.StudentServer.
func (t studentServer) Save(_ context.Context, req *arenav1.SaveRequest) (*arenav1.SaveResponse, error) {
	in, err := t.get(req.Handle)
	if err != nil {
		return nil, err
	}
	in.mu.Lock()
	defer in.mu.Unlock()
	var buf bytes.Buffer
	if err := in.st.Save(&buf); err != nil {
		return nil, failed(err)
	}
	return &arenav1.SaveResponse{Checkpoint: buf.Bytes()}, nil
}

// Load implements arenav1.StudentServer.
func (t studentServer) Load(_ context.Context, req *arenav1.LoadRequest) (*arenav1.LoadResponse, error) {
	in, err := t.get(req.Handle)
	if err != nil {
		return nil, err
	}
	in.mu.Lock()
	defer in.mu.Unlock()
	if err := in.st.Load(bytes.NewReader(req.Checkpoint)); err != nil {
		return nil, failed(err)
	}
	return &arenav1.LoadResponse{}, nil
}

// Structure implements arenav1.StudentServer.
func (t studentServer) Structure(_ context.Context, req *arenav1.StructureRequest) (*arenav1.StructureResponse, error) {
	in, err := t.get(req.Handle)
	if err != nil {
		return nil, err
	}
	in.mu.Lock()
	defer in.mu.Unlock()
	s, ok := in.st.(framework.Structural)
	if !ok {
		return nil, status.Error(codes.Unimplemented, "this student's structure does not change")
	}
	var dot bytes.Buffer
	if err := s.DOT(&dot); err != nil {
		return nil, failed(err)
	}
	ev := map[string]int64{}
	for k, v := range s.StructureEvents() {
		ev[k] = int64(v)
	}
	return &arenav1.StructureResponse{Events: ev, Dot: dot.String()}, nil
}

// Close implements arenav1.StudentServer.
func (t studentServer) Close(_ context.Context, req *arenav1.CloseRequest) (*arenav1.CloseResponse, error) {
	t.s.mu.Lock()
	delete(t.s.students, req.Handle)
	t.s.mu.Unlock()
	return &arenav1.CloseResponse{}, nil
}
