package host

import (
	"context"
	"fmt"
	"io"
	"math"
	"sync"
	"sync/atomic"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/smgrnn/arena/framework"
	"github.com/smgrnn/arena/framework/portable"
	"github.com/smgrnn/arena/plugins/internal/wire"
	arenav1 "github.com/smgrnn/arena/plugins/proto/arena/v1"
)

// Student is a framework.Student served by a plugin process. Train sends
// one minibatch per call and gets the loss and the new size back, so Size
// costs no call. When the plugin speaks minor 2 it is also a
// framework.BatchTrainer, which sends a round's minibatches in one call.
type Student struct {
	c        *conn
	client   arenav1.StudentClient
	handle   uint64
	obs, act framework.Space

	acts  *lockstep[arenav1.BatchRequest, arenav1.ActResponse]
	actN  atomic.Int64 // rows of the Act in flight
	train *lockstep[arenav1.TrainRequest, arenav1.TrainResponse]
	// batches is nil when the plugin has no TrainBatches.
	batches *lockstep[arenav1.TrainBatchesRequest, arenav1.TrainBatchesResponse]

	mu     sync.Mutex
	size   framework.Size
	closed bool
}

// StructuralStudent is a Student whose plugin reports structural edits: a
// framework.Structural.
type StructuralStudent struct{ *Student }

func newStudent(c *conn, kind string, cfg framework.StudentConfig, batches bool) (framework.Student, error) {
	po, err := wire.SpaceToProto(cfg.ObservationSpace)
	if err != nil {
		return nil, fmt.Errorf("student %s: observation space: %w", kind, err)
	}
	pa, err := wire.SpaceToProto(cfg.ActionSpace)
	if err != nil {
		return nil, fmt.Errorf("student %s: action space: %w", kind, err)
	}
	params, err := wire.ParamsToJSON(cfg.Params)
	if err != nil {
		return nil, fmt.Errorf("student %s: settings: %w", kind, err)
	}
	client := arenav1.NewStudentClient(c.cc)
	var resp *arenav1.StudentOpenResponse
	err = c.call("Student.Open", func(ctx context.Context) (err error) {
		resp, err = client.Open(ctx, &arenav1.StudentOpenRequest{Kind: kind, ObservationSpace: po, ActionSpace: pa,
			Seed: cfg.Seed, Adam: wire.AdamToProto(cfg.Adam), ParamsJson: params})
		return err
	})
	if err != nil {
		return nil, err
	}
	s := &Student{c: c, client: client, handle: resp.Handle, obs: cfg.ObservationSpace, act: cfg.ActionSpace,
		acts:  &lockstep[arenav1.BatchRequest, arenav1.ActResponse]{c: c, name: "Student.Act", method: wire.MethodStudentAct, unary: client.Act},
		train: &lockstep[arenav1.TrainRequest, arenav1.TrainResponse]{c: c, name: "Student.Train", method: wire.MethodStudentTrain, unary: client.Train},
	}
	if batches {
		s.batches = &lockstep[arenav1.TrainBatchesRequest, arenav1.TrainBatchesResponse]{c: c, name: "Student.TrainBatches",
			method: wire.MethodStudentTrainBatches, unary: client.TrainBatches}
	}
	if err := s.refreshSize(); err != nil {
		return nil, err
	}
	if resp.Structural {
		return StructuralStudent{s}, nil
	}
	return s, nil
}

func (s *Student) refreshSize() error {
	var resp *arenav1.SizeResponse
	err := s.c.call("Student.Size", func(ctx context.Context) (err error) {
		resp, err = s.client.Size(ctx, &arenav1.SizeRequest{Handle: s.handle})
		return err
	})
	if err != nil {
		return err
	}
	return s.setSize("Student.Size", resp.Size)
}

func (s *Student) setSize(call string, p *arenav1.Size) error {
	if p == nil || p.Params < 0 || p.Hidden < 0 || p.Edges < 0 {
		return s.c.malformed(call, "network size %v is missing or negative", p)
	}
	s.mu.Lock()
	s.size = wire.SizeFromProto(p)
	s.mu.Unlock()
	return nil
}

// Act implements framework.Policy; the actions are checked against the
// action space.
func (s *Student) Act(obs []float64, n int, actions []float64) error {
	if err := s.StartAct(obs, n); err != nil {
		return err
	}
	return s.FinishAct(actions)
}

// StartAct implements framework.ActStarter: it sends the observations and
// returns while the plugin computes.
func (s *Student) StartAct(obs []float64, n int) error {
	if err := checkObsBatch(obs, n, s.obs); err != nil {
		return err
	}
	if err := s.acts.start(&arenav1.BatchRequest{Handle: s.handle, Obs: obs, N: uint32(n)}); err != nil {
		return err // a refused start leaves the one in flight, and its rows, alone
	}
	s.actN.Store(int64(n))
	return nil
}

// FinishAct implements framework.ActStarter; the actions are checked
// against the action space.
func (s *Student) FinishAct(actions []float64) error {
	resp, err := s.acts.finish()
	if err != nil {
		return err
	}
	if err := checkActions(resp.Actions, int(s.actN.Load()), s.act); err != nil {
		return s.c.malformed("Student.Act", "%v", err)
	}
	if len(actions) != len(resp.Actions) {
		return fmt.Errorf("student act: room for %d action values, need %d", len(actions), len(resp.Actions))
	}
	copy(actions, resp.Actions)
	return nil
}

// Train implements framework.Student. A NaN loss is a malformed reply.
func (s *Student) Train(b framework.Batch) (float64, error) {
	if err := checkObsBatch(b.Obs, b.N, s.obs); err != nil {
		return 0, err
	}
	req := &arenav1.TrainRequest{Handle: s.handle, Obs: b.Obs, N: uint32(b.N), Labels: wire.LabelsToProto(&b.Labels)}
	resp, err := s.train.call(req)
	if err != nil {
		return 0, err
	}
	if math.IsNaN(resp.Loss) {
		return 0, s.c.malformed("Student.Train", "loss is NaN")
	}
	if err := s.setSize("Student.Train", resp.Size); err != nil {
		return 0, err
	}
	return resp.Loss, nil
}

// TrainBatches implements framework.BatchTrainer: one call for all of
// batches when the plugin has TrainBatches, else one Train each. The call
// gets the plugin's usual deadline, as every call does: a plugin that
// needs longer for a round declares a longer call_timeout.
func (s *Student) TrainBatches(batches []framework.Batch, losses []float64) (int, error) {
	if len(losses) < len(batches) {
		return 0, fmt.Errorf("student train: room for %d losses, need %d", len(losses), len(batches))
	}
	if s.batches == nil {
		return framework.TrainEach(s, batches, losses)
	}
	req := &arenav1.TrainBatchesRequest{Handle: s.handle, Batches: make([]*arenav1.TrainRequest, len(batches))}
	for i, b := range batches {
		if err := checkObsBatch(b.Obs, b.N, s.obs); err != nil {
			return 0, err
		}
		req.Batches[i] = &arenav1.TrainRequest{Obs: b.Obs, N: uint32(b.N), Labels: wire.LabelsToProto(&b.Labels)}
	}
	resp, err := s.batches.call(req)
	if err != nil {
		return 0, err
	}
	const call = "Student.TrainBatches"
	done := len(resp.Losses)
	if done > len(batches) || (resp.ErrorCode == 0 && done != len(batches)) {
		return 0, s.c.malformed(call, "%d losses for %d minibatches", done, len(batches))
	}
	for i, loss := range resp.Losses {
		if math.IsNaN(loss) {
			return i, s.c.malformed(call, "loss of minibatch %d is NaN", i)
		}
		losses[i] = loss
	}
	if err := s.setSize(call, resp.Size); err != nil {
		return 0, err
	}
	if resp.ErrorCode != 0 {
		return done, s.c.classify(call, status.Error(codes.Code(resp.ErrorCode), resp.ErrorMessage), false, s.c.timeout)
	}
	return done, nil
}

// Size implements framework.Student: the size as of the last Train, Load
// or open, which is when it changes.
func (s *Student) Size() framework.Size {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.size
}

// Save implements framework.Student.
func (s *Student) Save(w io.Writer) error {
	var resp *arenav1.SaveResponse
	err := s.c.call("Student.Save", func(ctx context.Context) (err error) {
		resp, err = s.client.Save(ctx, &arenav1.SaveRequest{Handle: s.handle})
		return err
	})
	if err != nil {
		return err
	}
	if _, err := w.Write(resp.Checkpoint); err != nil {
		return fmt.Errorf("write checkpoint: %w", err)
	}
	return nil
}

// SavePortable implements framework.Portable: the plugin's student in
// arena's portable format. A student without one (or a plugin older than
// protocol minor 5) answers with its own checkpoint, and then SavePortable
// writes nothing and returns an error wrapping framework.ErrNotPortable.
func (s *Student) SavePortable(w io.Writer) error {
	var resp *arenav1.SaveResponse
	err := s.c.call("Student.Save", func(ctx context.Context) (err error) {
		resp, err = s.client.Save(ctx, &arenav1.SaveRequest{Handle: s.handle, Portable: true})
		return err
	})
	if err != nil {
		return err
	}
	if !portable.Is(resp.Checkpoint) {
		return fmt.Errorf("plugin %q: %w", s.c.name, framework.ErrNotPortable)
	}
	if _, err := w.Write(resp.Checkpoint); err != nil {
		return fmt.Errorf("write checkpoint: %w", err)
	}
	return nil
}

// Load implements framework.Student.
func (s *Student) Load(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return fmt.Errorf("read checkpoint: %w", err)
	}
	err = s.c.call("Student.Load", func(ctx context.Context) error {
		_, err := s.client.Load(ctx, &arenav1.LoadRequest{Handle: s.handle, Checkpoint: b})
		return err
	})
	if err != nil {
		return err
	}
	return s.refreshSize()
}

// Close releases the student and ends its plugin process.
func (s *Student) Close() error {
	s.mu.Lock()
	closed := s.closed
	s.closed = true
	s.mu.Unlock()
	if closed {
		return nil
	}
	s.acts.end()
	s.train.end()
	if s.batches != nil {
		s.batches.end()
	}
	return closeHandle(s.c, "Student.Close", func(ctx context.Context) error {
		_, err := s.client.Close(ctx, &arenav1.CloseRequest{Handle: s.handle})
		return err
	})
}

func (s StructuralStudent) structure() (*arenav1.StructureResponse, error) {
	var resp *arenav1.StructureResponse
	err := s.c.call("Student.Structure", func(ctx context.Context) (err error) {
		resp, err = s.client.Structure(ctx, &arenav1.StructureRequest{Handle: s.handle})
		return err
	})
	return resp, err
}

// StructureEvents implements framework.Structural. The interface has no
// error: a failed call is logged and gives nil.
func (s StructuralStudent) StructureEvents() map[string]int {
	resp, err := s.structure()
	if err != nil {
		s.c.h.logger.Error("structure events", "error", err)
		return nil
	}
	out := make(map[string]int, len(resp.Events))
	for k, v := range resp.Events {
		out[k] = int(v)
	}
	return out
}

// DOT implements framework.Structural.
func (s StructuralStudent) DOT(w io.Writer) error {
	resp, err := s.structure()
	if err != nil {
		return err
	}
	_, err = io.WriteString(w, resp.Dot)
	return err
}
