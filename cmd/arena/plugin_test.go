package main

import (
	"bytes"
	"encoding/json"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/hashicorp/go-hclog"

	"github.com/smgrnn/arena/framework"
	"github.com/smgrnn/arena/framework/studenttest"
	"github.com/smgrnn/arena/plugins/host"
)

var (
	arenaBinOnce sync.Once
	arenaBin     string
	arenaBinErr  error
	arenaBinOut  []byte
)

// builtArena builds the arena binary once per test run, to serve the
// built-ins as a plugin ("arena plugin serve").
func builtArena(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the arena binary")
	}
	arenaBinOnce.Do(func() {
		dir, err := os.MkdirTemp("", "arena-plugin-test")
		if err != nil {
			arenaBinErr = err
			return
		}
		arenaBin = filepath.Join(dir, "arena")
		arenaBinOut, arenaBinErr = exec.Command("go", "build", "-o", arenaBin, ".").CombinedOutput()
	})
	if arenaBinErr != nil {
		t.Fatalf("build arena: %v\n%s", arenaBinErr, arenaBinOut)
	}
	return arenaBin
}

// distillTrace runs a short distillation loop on one env with the expert
// teacher and a student, recording every number, so a plugin and an
// in-process run can be compared bit for bit.
func distillTrace(t *testing.T, p host.Provider, envID, kind string, params framework.Params) []float64 {
	t.Helper()
	const n = 4
	vec, err := p.MakeVectorEnv(envID, n)
	if err != nil {
		t.Fatal(err)
	}
	defer vec.Close()
	spec := vec.Spec()
	teacher, err := p.MakeTeacher("expert", spec)
	if err != nil {
		t.Fatal(err)
	}
	defer closeIt(teacher)
	adam := framework.DefaultAdam()
	student, err := p.MakeStudent(kind, framework.StudentConfig{ObservationSpace: spec.ObservationSpace,
		ActionSpace: spec.ActionSpace, Seed: 3, Adam: adam, Params: params})
	if err != nil {
		t.Fatal(err)
	}
	defer closeIt(student)
	rec, err := studenttest.Trace(vec, teacher, student, 9, 40)
	if err != nil {
		t.Fatal(err)
	}
	if s, ok := student.(framework.Structural); ok {
		b, _ := json.Marshal(s.StructureEvents())
		for _, c := range b {
			rec = append(rec, float64(c))
		}
	}
	var ckpt bytes.Buffer
	if err := student.Save(&ckpt); err != nil {
		t.Fatal(err)
	}
	for _, c := range ckpt.Bytes() {
		rec = append(rec, float64(c))
	}
	return rec
}

func closeIt(v any) {
	if c, ok := v.(io.Closer); ok {
		c.Close()
	}
}

// TestBuiltinsOutOfProcessBitIdentical runs the real built-ins in process
// and through "arena plugin serve" and compares every number.
func TestBuiltinsOutOfProcessBitIdentical(t *testing.T) {
	bin := builtArena(t)
	h := host.New(hclog.New(&hclog.LoggerOptions{Output: io.Discard, Level: hclog.Off}),
		host.Options{NoSignalHandler: true, BuiltinCommand: []string{bin, "plugin", "serve"}})
	defer h.Close()
	tests := []struct {
		env, kind string
		params    framework.Params
	}{
		{"CartPole-v1", "mlp", framework.Params{"hidden": []any{int64(8)}}},
		{"CartPole-v1", "smgrnn", framework.Params{"strategy": "paper"}},
		{"Pendulum-v1", "mlp", framework.Params{"hidden": []any{int64(8)}}},
		{"Acrobot-v1", "mlp", framework.Params{"hidden": []any{int64(8)}}},
	}
	for _, tc := range tests {
		t.Run(tc.env+"/"+tc.kind, func(t *testing.T) {
			in := distillTrace(t, h.Builtin(true), tc.env, tc.kind, tc.params)
			out := distillTrace(t, h.Builtin(false), tc.env, tc.kind, tc.params)
			if len(in) != len(out) {
				t.Fatalf("in process recorded %d numbers, out of process %d", len(in), len(out))
			}
			for i := range in {
				if math.Float64bits(in[i]) != math.Float64bits(out[i]) {
					t.Fatalf("number %d of %d differs: in process %v, plugin %v", i, len(in), in[i], out[i])
				}
			}
		})
	}
	pids := h.PIDs()
	h.Close()
	for _, pid := range pids {
		// Kill returns ESRCH once the process is gone (go-plugin reaps it).
		if err := syscall.Kill(pid, 0); err == nil {
			t.Errorf("plugin process %d still running after Close", pid)
		}
	}
}

// TestEveryBuiltinEnvOutOfProcess steps every built-in environment with
// random actions in and out of process.
func TestEveryBuiltinEnvOutOfProcess(t *testing.T) {
	bin := builtArena(t)
	h := host.New(hclog.New(&hclog.LoggerOptions{Output: io.Discard, Level: hclog.Off}),
		host.Options{NoSignalHandler: true, BuiltinCommand: []string{bin, "plugin", "serve"}})
	defer h.Close()
	for _, id := range []string{"Acrobot-v1", "CartPole-v1", "MountainCar-v0", "MountainCarContinuous-v0", "Pendulum-v1"} {
		t.Run(id, func(t *testing.T) {
			var got [2][]float64
			for i, inProc := range []bool{true, false} {
				vec, err := h.Builtin(inProc).MakeVectorEnv(id, 3)
				if err != nil {
					t.Fatal(err)
				}
				obs, err := vec.Reset(framework.Seed(1))
				if err != nil {
					t.Fatal(err)
				}
				got[i] = append(got[i], obs...)
				act := vec.Spec().ActionSpace
				rng := rand.New(rand.NewPCG(1, 1))
				a := make([]float64, 3*act.Dim())
				for range 300 {
					for j := range 3 {
						act.Sample(rng, a[j*act.Dim():(j+1)*act.Dim()])
					}
					st, err := vec.Step(a)
					if err != nil {
						t.Fatal(err)
					}
					got[i] = append(got[i], st.Obs...)
					got[i] = append(got[i], st.Rewards...)
					for j := range 3 {
						if st.Terminated[j] || st.Truncated[j] {
							got[i] = append(got[i], float64(j))
							got[i] = append(got[i], st.FinalObs[j*len(obs)/3:(j+1)*len(obs)/3]...)
						}
					}
				}
				vec.Close()
			}
			if len(got[0]) != len(got[1]) {
				t.Fatalf("lengths differ: %d and %d", len(got[0]), len(got[1]))
			}
			for i := range got[0] {
				if math.Float64bits(got[0][i]) != math.Float64bits(got[1][i]) {
					t.Fatalf("value %d differs: %v in process, %v plugin", i, got[0][i], got[1][i])
				}
			}
		})
	}
}

func TestPluginDescribeBuiltin(t *testing.T) {
	bin := builtArena(t)
	out, err := exec.Command(bin, "plugin", "describe", "--builtin", "--json").Output()
	if err != nil {
		t.Fatal(err)
	}
	var d struct {
		Name     string   `json:"name"`
		Envs     []string `json:"envs"`
		Students []string `json:"students"`
		SHA256   string   `json:"sha256"`
	}
	if err := json.Unmarshal(out, &d); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if d.Name != "builtin" || !strings.Contains(strings.Join(d.Envs, ","), "CartPole-v1") || len(d.SHA256) != 64 {
		t.Errorf("describe gave %s", out)
	}
}

func TestPluginCommandBadInput(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"plugin", "describe"}, "needs one plugin path"},
		{[]string{"plugin", "describe", "/nonexistent/plugin"}, "no such file"},
		{[]string{"plugin", "describe", "plugin.go"}, "not an executable"},
		{[]string{"plugin", "frobnicate"}, "unknown plugin subcommand"},
		{[]string{"bench", "--duration", "0s"}, "must be positive"},
		{[]string{"bench", "--env", "Nope-v0"}, "unknown environment"},
		{[]string{"bench", "--student", "mlp,nope"}, "unknown student kind \"nope\""},
	}
	for _, tc := range tests {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			code, _, stderr := runArena(tc.args...)
			if code != 2 || !strings.Contains(stderr, tc.want) {
				t.Errorf("exit %d, stderr %q; want 2 and %q", code, stderr, tc.want)
			}
		})
	}
}

func TestBenchJSON(t *testing.T) {
	bin := builtArena(t)
	out, err := exec.Command(bin, "bench", "--json", "--duration", "20ms", "--student", "mlp").Output()
	if err != nil {
		t.Fatal(err)
	}
	var results []benchResult
	if err := json.Unmarshal(out, &results); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if len(results) != 6 {
		t.Fatalf("%d results, want 4 env and 2 training measurements: %s", len(results), out)
	}
	for _, r := range results {
		if !(r.PerSecond > 0) || r.Seconds <= 0 || (r.Mode != "in-process" && r.Mode != "plugin") {
			t.Errorf("implausible result %+v", r)
		}
	}
}

func TestMedian(t *testing.T) {
	for _, tc := range []struct {
		xs   []float64
		want float64
	}{
		{[]float64{3}, 3},
		{[]float64{3, 1}, 2},
		{[]float64{1.5, 9, 1.2}, 1.5},
		{[]float64{4, 1, 3, 2}, 2.5},
	} {
		in := slices.Clone(tc.xs)
		if got := median(tc.xs); got != tc.want || !slices.Equal(in, tc.xs) {
			t.Errorf("median(%v) = %v, want %v, input left alone", in, got, tc.want)
		}
	}
}
