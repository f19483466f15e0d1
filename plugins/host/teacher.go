package host

import (
	"context"
	"fmt"

	"github.com/smgrnn/arena/framework"
	"github.com/smgrnn/arena/plugins/internal/wire"
	arenav1 "github.com/smgrnn/arena/plugins/proto/arena/v1"
)

// Teacher is a framework.Teacher served by a plugin process. Its actions
// and distributions are checked against its spaces before anyone sees them.
type Teacher struct {
	c        *conn
	client   arenav1.TeacherClient
	handle   uint64
	obs, act framework.Space
	closed   bool
	acts     *lockstep[arenav1.BatchRequest, arenav1.ActResponse]
	labels   *lockstep[arenav1.BatchRequest, arenav1.Labels]
}

func newTeacher(c *conn, spec string, env framework.EnvSpec) (*Teacher, error) {
	pe, err := wire.EnvSpecToProto(env)
	if err != nil {
		return nil, fmt.Errorf("teacher %s: %w", spec, err)
	}
	client := arenav1.NewTeacherClient(c.cc)
	var resp *arenav1.TeacherOpenResponse
	err = c.call("Teacher.Open", func(ctx context.Context) (err error) {
		resp, err = client.Open(ctx, &arenav1.TeacherOpenRequest{Spec: spec, Env: pe})
		return err
	})
	if err != nil {
		return nil, err
	}
	obs, err := wire.SpaceFromProto(resp.ObservationSpace)
	if err != nil {
		return nil, c.malformed("Teacher.Open", "observation space: %v", err)
	}
	act, err := wire.SpaceFromProto(resp.ActionSpace)
	if err != nil {
		return nil, c.malformed("Teacher.Open", "action space: %v", err)
	}
	return &Teacher{c: c, client: client, handle: resp.Handle, obs: obs, act: act,
		acts:   &lockstep[arenav1.BatchRequest, arenav1.ActResponse]{c: c, name: "Teacher.Act", method: wire.MethodTeacherAct, unary: client.Act},
		labels: &lockstep[arenav1.BatchRequest, arenav1.Labels]{c: c, name: "Teacher.Label", method: wire.MethodTeacherLabel, unary: client.Label},
	}, nil
}

// Spaces implements framework.Teacher.
func (t *Teacher) Spaces() (obs, act framework.Space) { return t.obs, t.act }

func checkObsBatch(obs []float64, n int, s framework.Space) error {
	if n < 0 || len(obs) != n*s.Dim() {
		return fmt.Errorf("batch of %d observations has %d values, want %d × %d", n, len(obs), n, s.Dim())
	}
	return nil
}

// checkActions verifies n rows of actions, each a point of the space.
func checkActions(actions []float64, n int, s framework.Space) error {
	k := s.Dim()
	if len(actions) != n*k {
		return fmt.Errorf("%d action values for %d observations × %d", len(actions), n, k)
	}
	for i := range n {
		if row := actions[i*k : (i+1)*k]; !s.Contains(row) {
			return fmt.Errorf("action %d %v is not in the action space %s", i, row, s)
		}
	}
	return nil
}

// Act implements framework.Policy.
func (t *Teacher) Act(obs []float64, n int, actions []float64) error {
	if err := checkObsBatch(obs, n, t.obs); err != nil {
		return err
	}
	resp, err := t.acts.call(&arenav1.BatchRequest{Handle: t.handle, Obs: obs, N: uint32(n)})
	if err != nil {
		return err
	}
	if err := checkActions(resp.Actions, n, t.act); err != nil {
		return t.c.malformed("Teacher.Act", "%v", err)
	}
	if len(actions) != len(resp.Actions) {
		return fmt.Errorf("teacher act: room for %d action values, need %d", len(actions), len(resp.Actions))
	}
	copy(actions, resp.Actions)
	return nil
}

// Label implements framework.Teacher.
func (t *Teacher) Label(obs []float64, n int, out *framework.Labels) error {
	if err := checkObsBatch(obs, n, t.obs); err != nil {
		return err
	}
	resp, err := t.labels.call(&arenav1.BatchRequest{Handle: t.handle, Obs: obs, N: uint32(n)})
	if err != nil {
		return err
	}
	if err := checkLabels(resp, n, t.act); err != nil {
		return t.c.malformed("Teacher.Label", "%v", err)
	}
	out.Actions = append(out.Actions[:0], resp.Actions...)
	out.Probs, out.Mean, out.Std = nil, nil, nil
	if resp.HasProbs {
		out.Probs = append(out.Probs[:0:0], resp.Probs...)
	}
	if resp.HasGaussian {
		out.Mean = append(out.Mean[:0:0], resp.Mean...)
		out.Std = append(out.Std[:0:0], resp.Std...)
	}
	return nil
}

// checkLabels verifies a teacher's labels: actions in the space, and a
// distribution of the right shape with finite values.
func checkLabels(l *arenav1.Labels, n int, act framework.Space) error {
	if err := checkActions(l.Actions, n, act); err != nil {
		return err
	}
	if l.HasProbs {
		d, ok := act.(*framework.Discrete)
		if !ok {
			return fmt.Errorf("class probabilities for the non-discrete action space %s", act)
		}
		if len(l.Probs) != n*d.N {
			return fmt.Errorf("%d probabilities for %d observations × %d classes", len(l.Probs), n, d.N)
		}
		if err := checkFinite("probability", l.Probs); err != nil {
			return err
		}
	}
	if l.HasGaussian {
		k := act.Dim()
		if len(l.Mean) != n*k || len(l.Std) != n*k {
			return fmt.Errorf("%d means and %d standard deviations for %d observations × %d", len(l.Mean), len(l.Std), n, k)
		}
		if err := checkFinite("mean", l.Mean); err != nil {
			return err
		}
		if err := checkFinite("standard deviation", l.Std); err != nil {
			return err
		}
	}
	return nil
}

// Close releases the teacher and ends its plugin process.
func (t *Teacher) Close() error {
	if t.closed {
		return nil
	}
	t.closed = true
	t.acts.end()
	t.labels.end()
	return closeHandle(t.c, "Teacher.Close", func(ctx context.Context) error {
		_, err := t.client.Close(ctx, &arenav1.CloseRequest{Handle: t.handle})
		return err
	})
}
