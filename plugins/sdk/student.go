package sdk

import (
	"bytes"
	"context"
	"fmt"
	"sync"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/smgrnn/arena/framework"
	"github.com/smgrnn/arena/plugins/internal/wire"
	arenav1 "github.com/smgrnn/arena/plugins/proto/arena/v1"
)

// The Student service: students by handle.

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
	obs, err := wire.SpaceFromProto(req.ObservationSpace)
	if err != nil {
		return nil, invalid("observation space: %v", err)
	}
	act, err := wire.SpaceFromProto(req.ActionSpace)
	if err != nil {
		return nil, invalid("action space: %v", err)
	}
	params, err := wire.ParamsFromJSON(req.ParamsJson)
	if err != nil {
		return nil, invalid("%v", err)
	}
	st, err := maker(framework.StudentConfig{ObservationSpace: obs, ActionSpace: act, Seed: req.Seed,
		Adam: wire.AdamFromProto(req.Adam), Params: params})
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
	return &arenav1.TrainResponse{Loss: loss, Size: wire.SizeToProto(in.st.Size())}, nil
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
	resp.Size = wire.SizeToProto(in.st.Size())
	return resp, nil
}

// train checks one minibatch and trains on it; the caller holds in.mu.
func (in *studentInstance) train(req *arenav1.TrainRequest) (float64, error) {
	if err := checkBatch(req.Obs, req.N, in.obsDim); err != nil {
		return 0, err
	}
	b := framework.Batch{Obs: req.Obs, N: int(req.N)}
	if req.Labels != nil {
		wire.LabelsFromProto(req.Labels, &b.Labels)
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
	return &arenav1.SizeResponse{Size: wire.SizeToProto(in.st.Size())}, nil
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
	if p, ok := in.st.(framework.Portable); ok && req.Portable {
		if err := p.SavePortable(&buf); err != nil {
			return nil, failed(err)
		}
	} else if err := in.st.Save(&buf); err != nil {
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
