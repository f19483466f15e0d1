package sdk

import (
	"bytes"
	"context"
	"fmt"
	"image/png"
	"sync"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/smgrnn/arena/framework"
	"github.com/smgrnn/arena/plugins/internal/wire"
	arenav1 "github.com/smgrnn/arena/plugins/proto/arena/v1"
)

// The Env service: environments, single or vector, by handle.

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
	ps, err := wire.EnvSpecToProto(spec)
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
