// Command testplugin is an arena plugin serving the toy components, which
// breaks on purpose when asked (-fault NAME), so the host's fault handling
// can be tested against a real process. It is built by the host's tests.
//
// Faults: handshake (writes garbage instead of the handshake), start-hang
// (never answers the handshake), exit (dies at start with a message),
// crash-step (dies on the 3rd environment step), hang-step (never answers
// the 3rd step), panic-step (panics on the 3rd step), nan-obs (NaN in the
// observations), short-obs (too few observation values), bad-action
// (teacher actions outside the action space), nan-loss (NaN training loss),
// exit-train (writes to stderr and calls os.Exit(7) in its 2nd training
// call), hang-train (never returns from its 2nd training call), unseeded
// (the environment ignores the seed of Reset),
// serve (no fault; serves the toy components as a built-in would).
// -no-channel makes the plugin refuse channels, so the host's fallback to
// one unary call per step is tested.
package main

import (
	"context"
	"flag"
	"fmt"
	"math"
	"os"
	"time"

	"github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"

	"github.com/smgrnn/arena/framework"
	"github.com/smgrnn/arena/plugins/internal/toy"
	"github.com/smgrnn/arena/plugins/internal/wire"
	arenav1 "github.com/smgrnn/arena/plugins/proto/arena/v1"
	"github.com/smgrnn/arena/plugins/sdk"
)

// faultLog is the -faultlog file.
var faultLog string

// struck notes when a fault strikes, in the -faultlog file.
func struck() {
	if faultLog == "" {
		return
	}
	if f, err := os.OpenFile(faultLog, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644); err == nil {
		fmt.Fprintln(f, time.Now().UnixNano())
		f.Close()
	}
}

func main() {
	fault := flag.String("fault", "", "how to break")
	noChannel := flag.Bool("no-channel", false, "answer OpenChannel with Unimplemented, as a plugin of protocol minor 0 does")
	pidFile := flag.String("pidfile", "", "append this process's ID to the file, so tests can check it is gone")
	flag.StringVar(&faultLog, "faultlog", "", "append the time (Unix nanoseconds) to the file when the fault strikes, to time what follows")
	flag.Parse()
	if *pidFile != "" {
		f, err := os.OpenFile(*pidFile, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
		if err == nil {
			fmt.Fprintln(f, os.Getpid())
			f.Close()
		}
	}
	switch *fault {
	case "handshake":
		fmt.Println("this is not a go-plugin handshake line")
		time.Sleep(time.Minute)
		return
	case "start-hang":
		fmt.Fprintln(os.Stderr, "loading a very large model...")
		time.Sleep(time.Minute)
		return
	case "exit":
		fmt.Fprintln(os.Stderr, "testplugin: cannot open weights.bin: no such file")
		os.Exit(3)
	}
	c := sdk.Components{Name: "testplugin", Version: "0.0.1",
		Envs: map[string]framework.EnvMaker{toy.EnvID: func() (framework.Env, error) { return toy.NewEnv(), nil }},
		Teachers: map[string]framework.TeacherMaker{toy.TeacherName: func(env framework.EnvSpec, _ string) (framework.Teacher, error) {
			return toy.NewTeacher(env)
		}},
		Students: map[string]framework.StudentMaker{toy.StudentKind: func(cfg framework.StudentConfig) (framework.Student, error) {
			s, err := toy.NewStudent(cfg)
			if err != nil {
				return nil, err
			}
			switch *fault {
			case "nan-loss":
				return nanLoss{s}, nil
			case "exit-train", "hang-train":
				return &secondTrain{Student: s, fault: *fault}, nil
			}
			return s, nil
		}},
	}
	if *fault == "unseeded" {
		c.Envs[toy.EnvID] = func() (framework.Env, error) { return unseeded{toy.NewEnv()}, nil }
	}
	if *fault == "bad-action" {
		c.Teachers[toy.TeacherName] = func(env framework.EnvSpec, _ string) (framework.Teacher, error) {
			t, err := toy.NewTeacher(env)
			return badTeacher{t}, err
		}
	}
	switch *fault {
	case "", "serve", "nan-loss", "bad-action", "exit-train", "hang-train", "unseeded":
		sdk.Serve(c)
		return
	}
	// Protocol-level faults: wrap the SDK's environment service.
	srv := sdk.NewServer(c)
	svc := srv.Services()
	svc.Env = &faultyEnv{EnvServer: svc.Env, fault: *fault}
	svc.NoChannels = *noChannel
	sdk.WatchParent()
	plugin.Serve(&plugin.ServeConfig{
		HandshakeConfig:  wire.Handshake,
		VersionedPlugins: map[int]plugin.PluginSet{wire.ProtocolMajor: {wire.PluginName: &servicesPlugin{svc: svc}}},
		GRPCServer: func(opts []grpc.ServerOption) *grpc.Server {
			return grpc.NewServer(append(opts, sdk.ServerOptions()...)...)
		},
		Logger: sdk.Logger("testplugin"),
	})
}

type servicesPlugin struct {
	plugin.NetRPCUnsupportedPlugin
	svc sdk.Services
}

// GRPCServer implements plugin.GRPCPlugin.
func (p *servicesPlugin) GRPCServer(_ *plugin.GRPCBroker, s *grpc.Server) error {
	p.svc.Register(s)
	return nil
}

// GRPCClient implements plugin.GRPCPlugin.
func (p *servicesPlugin) GRPCClient(context.Context, *plugin.GRPCBroker, *grpc.ClientConn) (any, error) {
	return nil, fmt.Errorf("server side only")
}

type faultyEnv struct {
	arenav1.EnvServer
	fault string
	steps int
}

// Step implements arenav1.EnvServer, breaking it as asked.
func (f *faultyEnv) Step(ctx context.Context, req *arenav1.EnvStepRequest) (*arenav1.EnvStepResponse, error) {
	f.steps++
	resp, err := f.EnvServer.Step(ctx, req)
	if err != nil || f.steps < 3 {
		return resp, err
	}
	switch f.fault {
	case "crash-step":
		struck()
		// A panic off the handler's goroutine is not recovered: the
		// runtime prints it on stderr and ends the process, like a real
		// crash.
		sdk.Logger("testplugin").Error("about to crash", "step", f.steps)
		go func() { panic("simulated segfault in the physics engine") }()
		time.Sleep(time.Minute)
	case "hang-step":
		<-ctx.Done()
		time.Sleep(time.Minute)
	case "panic-step":
		panic("simulated bug in step")
	case "nan-obs":
		resp.Obs[0] = math.NaN()
	case "short-obs":
		resp.Obs = resp.Obs[:len(resp.Obs)-1]
	}
	return resp, nil
}

type nanLoss struct{ *toy.Student }

// Train implements framework.Student with a NaN loss.
func (n nanLoss) Train(b framework.Batch) (float64, error) {
	n.Student.Train(b)
	return math.NaN(), nil
}

// secondTrain breaks in its second training call.
type secondTrain struct {
	*toy.Student
	fault string
	calls int
}

// Train implements framework.Student, breaking on the second call.
func (s *secondTrain) Train(b framework.Batch) (float64, error) {
	s.calls++
	if s.calls == 2 {
		switch s.fault {
		case "exit-train":
			struck()
			// Plain writes to os.Stderr, then an exit that flushes nothing.
			fmt.Fprintln(os.Stderr, "testplugin: out of GPU memory in train")
			fmt.Fprint(os.Stderr, "testplugin: giving up")
			os.Exit(7)
		case "hang-train":
			struck()
			select {}
		}
	}
	return s.Student.Train(b)
}

// unseeded is an environment that ignores the seed it is given, as one
// that seeds from the clock does.
type unseeded struct{ *toy.Env }

// Reset implements framework.Env, seeding from the clock.
func (u unseeded) Reset(*uint64) ([]float64, error) {
	seed := uint64(time.Now().UnixNano())
	return u.Env.Reset(&seed)
}

type badTeacher struct{ *toy.Teacher }

// Act implements framework.Teacher with an action outside the space.
func (b badTeacher) Act(obs []float64, n int, actions []float64) error {
	b.Teacher.Act(obs, n, actions)
	actions[0] = 7
	return nil
}

// Label implements framework.Teacher with an action outside the space.
func (b badTeacher) Label(obs []float64, n int, out *framework.Labels) error {
	b.Teacher.Label(obs, n, out)
	out.Actions[0] = 7
	return nil
}
