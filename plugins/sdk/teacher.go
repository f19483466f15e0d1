package sdk

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/smgrnn/arena/framework"
	"github.com/smgrnn/arena/plugins/internal/wire"
	arenav1 "github.com/smgrnn/arena/plugins/proto/arena/v1"
)

// The Teacher service: teachers by handle.

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
	env, err := wire.EnvSpecFromProto(req.Env)
	if err != nil {
		return nil, invalid("teacher %s: %v", req.Spec, err)
	}
	teacher, err := maker(env, arg)
	if err != nil {
		return nil, failed(fmt.Errorf("make teacher %s for %s: %w", req.Spec, env.ID, err))
	}
	obsSpace, as := teacher.Spaces()
	po, err := wire.SpaceToProto(obsSpace)
	if err != nil {
		return nil, failed(err)
	}
	pa, err := wire.SpaceToProto(as)
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
	return wire.LabelsToProto(&l), nil
}

// Close implements arenav1.TeacherServer.
func (t teacherServer) Close(_ context.Context, req *arenav1.CloseRequest) (*arenav1.CloseResponse, error) {
	t.s.mu.Lock()
	delete(t.s.teachers, req.Handle)
	t.s.mu.Unlock()
	return &arenav1.CloseResponse{}, nil
}
