package host

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image/png"
	"math"
	"time"

	"github.com/smgrnn/arena/framework"
	"github.com/smgrnn/arena/plugins/internal/wire"
	arenav1 "github.com/smgrnn/arena/plugins/proto/arena/v1"
)

// openEnv opens an environment (one copy, or n copies when vector) in a
// running plugin.
func openEnv(c *conn, id string, n int, vector bool) (arenav1.EnvClient, uint64, framework.EnvSpec, bool, error) {
	client := arenav1.NewEnvClient(c.cc)
	var resp *arenav1.EnvOpenResponse
	err := c.call("Env.Open", func(ctx context.Context) (err error) {
		resp, err = client.Open(ctx, &arenav1.EnvOpenRequest{Id: id, NumEnvs: uint32(n), Vector: vector})
		return err
	})
	if err != nil {
		return nil, 0, framework.EnvSpec{}, false, err
	}
	spec, err := wire.EnvSpecFromProto(resp.Spec)
	if err != nil {
		return nil, 0, framework.EnvSpec{}, false, c.malformed("Env.Open", "%v", err)
	}
	if spec.ID != id {
		return nil, 0, framework.EnvSpec{}, false, c.malformed("Env.Open", "asked for %s, got %s", id, spec.ID)
	}
	return client, resp.Handle, spec, resp.Renderable, nil
}

// checkFinite reports the first NaN or infinity in x.
func checkFinite(what string, x []float64) error {
	for i, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("%s value %d is %v", what, i, v)
		}
	}
	return nil
}

// checkNotNaN reports the first NaN in x (observations may be infinite in
// principle, never NaN).
func checkNotNaN(what string, x []float64) error {
	for i, v := range x {
		if v != v {
			return fmt.Errorf("%s value %d is NaN", what, i)
		}
	}
	return nil
}

// VectorEnv is a framework.VectorEnv whose copies live in a plugin process.
// Each Reset and Step is one call carrying every copy.
type VectorEnv struct {
	c              *conn
	client         arenav1.EnvClient
	handle         uint64
	spec           framework.EnvSpec
	n              int
	obsDim, actDim int
	obs            []float64
	out            framework.VectorStep
	req            arenav1.EnvStepRequest
	closed         bool

	// steps carries Step calls, over a channel when the plugin offers one.
	steps *lockstep[arenav1.EnvStepRequest, arenav1.EnvStepResponse]
}

func newVectorEnv(c *conn, id string, n int) (*VectorEnv, error) {
	client, h, spec, _, err := openEnv(c, id, n, true)
	if err != nil {
		return nil, err
	}
	od, ad := spec.ObservationSpace.Dim(), spec.ActionSpace.Dim()
	v := &VectorEnv{c: c, client: client, handle: h, spec: spec, n: n, obsDim: od, actDim: ad,
		obs: make([]float64, n*od),
		out: framework.VectorStep{Obs: make([]float64, n*od), Rewards: make([]float64, n),
			Terminated: make([]bool, n), Truncated: make([]bool, n), FinalObs: make([]float64, n*od)}}
	v.req.Handle = h
	v.steps = &lockstep[arenav1.EnvStepRequest, arenav1.EnvStepResponse]{c: c, name: "Env.Step", method: wire.MethodEnvStep, unary: client.Step}
	return v, nil
}

// Spec implements framework.VectorEnv.
func (v *VectorEnv) Spec() framework.EnvSpec { return v.spec }

// NumEnvs implements framework.VectorEnv.
func (v *VectorEnv) NumEnvs() int { return v.n }

// Reset implements framework.VectorEnv.
func (v *VectorEnv) Reset(seed *uint64) ([]float64, error) {
	var resp *arenav1.EnvResetResponse
	err := v.c.call("Env.Reset", func(ctx context.Context) (err error) {
		resp, err = v.client.Reset(ctx, &arenav1.EnvResetRequest{Handle: v.handle, Seed: seed})
		return err
	})
	if err != nil {
		return nil, err
	}
	if len(resp.Obs) != len(v.obs) {
		return nil, v.c.malformed("Env.Reset", "%d observation values for %d copies × %d", len(resp.Obs), v.n, v.obsDim)
	}
	if err := checkNotNaN("observation", resp.Obs); err != nil {
		return nil, v.c.malformed("Env.Reset", "%v", err)
	}
	copy(v.obs, resp.Obs)
	return v.obs, nil
}

// Step implements framework.VectorEnv.
func (v *VectorEnv) Step(actions []float64) (*framework.VectorStep, error) {
	if len(actions) != v.n*v.actDim {
		return nil, fmt.Errorf("vector step got %d action values, want %d copies × %d", len(actions), v.n, v.actDim)
	}
	v.req.Actions = actions
	resp, err := v.steps.call(&v.req)
	v.req.Actions = nil
	if err != nil {
		return nil, err
	}
	if err := v.checkStep(resp); err != nil {
		return nil, v.c.malformed("Env.Step", "%v", err)
	}
	copy(v.out.Obs, resp.Obs)
	copy(v.out.Rewards, resp.Rewards)
	copy(v.out.Terminated, resp.Terminated)
	copy(v.out.Truncated, resp.Truncated)
	copy(v.out.FinalObs, resp.FinalObs)
	return &v.out, nil
}

func (v *VectorEnv) checkStep(r *arenav1.EnvStepResponse) error {
	n, od := v.n, v.obsDim
	if len(r.Obs) != n*od || len(r.Rewards) != n || len(r.Terminated) != n || len(r.Truncated) != n {
		return fmt.Errorf("reply holds %d observation values, %d rewards, %d terminated, %d truncated flags for %d copies × %d",
			len(r.Obs), len(r.Rewards), len(r.Terminated), len(r.Truncated), n, od)
	}
	ended := false
	for i := range n {
		ended = ended || r.Terminated[i] || r.Truncated[i]
	}
	if len(r.FinalObs) != n*od && (ended || len(r.FinalObs) != 0) {
		return fmt.Errorf("reply holds %d final observation values for %d copies × %d", len(r.FinalObs), n, od)
	}
	if err := checkNotNaN("observation", r.Obs); err != nil {
		return err
	}
	return checkNotNaN("reward", r.Rewards)
}

// Close implements framework.VectorEnv: it closes the copies and ends the
// plugin process. Closing twice is not an error.
func (v *VectorEnv) Close() error {
	if v.closed {
		return nil
	}
	v.closed = true
	v.steps.end()
	return closeHandle(v.c, "Env.Close", func(ctx context.Context) error {
		_, err := v.client.Close(ctx, &arenav1.CloseRequest{Handle: v.handle})
		return err
	})
}

// closeTimeout bounds Close calls: the process is ended right after, so a
// plugin stuck in Close should not hold a finished run for a full call
// deadline.
const closeTimeout = 5 * time.Second

// closeHandle closes a component and then releases its process; a plugin
// that already died is not an error worth failing a finished run for.
func closeHandle(c *conn, call string, f func(context.Context) error) error {
	defer c.release()
	err := c.callWithin(call, min(c.timeout, closeTimeout), f)
	var pe *Error
	if errors.As(err, &pe) && (c.client != nil && c.client.Exited()) {
		return nil
	}
	return err
}

// Env is a framework.Env served by a plugin process, with Gymnasium's
// single-environment semantics (no autoreset).
type Env struct {
	c      *conn
	client arenav1.EnvClient
	handle uint64
	spec   framework.EnvSpec
	closed bool
}

// RenderEnv is an Env whose plugin can draw it: a framework.Renderer.
type RenderEnv struct{ *Env }

func newEnv(c *conn, id string) (framework.Env, error) {
	client, h, spec, renderable, err := openEnv(c, id, 1, false)
	if err != nil {
		return nil, err
	}
	e := &Env{c: c, client: client, handle: h, spec: spec}
	if renderable {
		return RenderEnv{e}, nil
	}
	return e, nil
}

// Spec implements framework.Env.
func (e *Env) Spec() framework.EnvSpec { return e.spec }

// Reset implements framework.Env.
func (e *Env) Reset(seed *uint64) ([]float64, error) {
	var resp *arenav1.EnvResetResponse
	err := e.c.call("Env.Reset", func(ctx context.Context) (err error) {
		resp, err = e.client.Reset(ctx, &arenav1.EnvResetRequest{Handle: e.handle, Seed: seed})
		return err
	})
	if err != nil {
		return nil, err
	}
	if len(resp.Obs) != e.spec.ObservationSpace.Dim() {
		return nil, e.c.malformed("Env.Reset", "%d observation values, the space has %d", len(resp.Obs), e.spec.ObservationSpace.Dim())
	}
	if err := checkNotNaN("observation", resp.Obs); err != nil {
		return nil, e.c.malformed("Env.Reset", "%v", err)
	}
	return resp.Obs, nil
}

// Step implements framework.Env. Stepping before a reset or after the end
// of an episode gives an error wrapping framework.ErrNeedsReset, as in
// process.
func (e *Env) Step(action []float64) (framework.Step, error) {
	var resp *arenav1.EnvStepResponse
	err := e.c.call("Env.Step", func(ctx context.Context) (err error) {
		resp, err = e.client.Step(ctx, &arenav1.EnvStepRequest{Handle: e.handle, Actions: action})
		return err
	})
	if err != nil {
		return framework.Step{}, err
	}
	d := e.spec.ObservationSpace.Dim()
	if len(resp.Obs) != d || len(resp.Rewards) != 1 || len(resp.Terminated) != 1 || len(resp.Truncated) != 1 {
		return framework.Step{}, e.c.malformed("Env.Step", "reply holds %d observation values (want %d), %d rewards, %d+%d flags (want 1 each)",
			len(resp.Obs), d, len(resp.Rewards), len(resp.Terminated), len(resp.Truncated))
	}
	if err := checkNotNaN("observation", resp.Obs); err != nil {
		return framework.Step{}, e.c.malformed("Env.Step", "%v", err)
	}
	if err := checkNotNaN("reward", resp.Rewards); err != nil {
		return framework.Step{}, e.c.malformed("Env.Step", "%v", err)
	}
	return framework.Step{Obs: resp.Obs, Reward: resp.Rewards[0], Terminated: resp.Terminated[0], Truncated: resp.Truncated[0]}, nil
}

// Close implements framework.Env and ends the plugin process.
func (e *Env) Close() error {
	if e.closed {
		return nil
	}
	e.closed = true
	return closeHandle(e.c, "Env.Close", func(ctx context.Context) error {
		_, err := e.client.Close(ctx, &arenav1.CloseRequest{Handle: e.handle})
		return err
	})
}

// Render implements framework.Renderer: the plugin draws the frame and
// sends it as PNG.
func (r RenderEnv) Render() (framework.Image, error) {
	var resp *arenav1.EnvRenderResponse
	err := r.c.call("Env.Render", func(ctx context.Context) (err error) {
		resp, err = r.client.Render(ctx, &arenav1.EnvRenderRequest{Handle: r.handle})
		return err
	})
	if err != nil {
		return nil, err
	}
	img, err := png.Decode(bytes.NewReader(resp.Png))
	if err != nil {
		return nil, r.c.malformed("Env.Render", "frame is not a PNG: %v", err)
	}
	return img, nil
}
