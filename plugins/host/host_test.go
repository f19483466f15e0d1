package host

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/smgrnn/arena/framework"
	"github.com/smgrnn/arena/framework/studenttest"
	"github.com/smgrnn/arena/plugins/internal/toy"
	"github.com/smgrnn/arena/plugins/internal/wire"
)

// testPlugin is the path of the test plugin binary, built once in TestMain.
var testPlugin string

func TestMain(m *testing.M) {
	if os.Getenv("ARENA_HOST_TEST_CHILD") != "" {
		signalChild()
		return
	}
	toy.Register()
	dir, err := os.MkdirTemp("", "arena-host-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	testPlugin = filepath.Join(dir, "testplugin")
	out, err := exec.Command("go", "build", "-o", testPlugin, "github.com/smgrnn/arena/plugins/internal/testplugin").CombinedOutput()
	if err != nil {
		fmt.Fprintf(os.Stderr, "build test plugin: %v\n%s", err, out)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func quietLogger() hclog.Logger {
	return hclog.New(&hclog.LoggerOptions{Output: io.Discard, Level: hclog.Off})
}

func newTestHost(t *testing.T, opts Options) *Host {
	t.Helper()
	opts.NoSignalHandler = true
	h := New(quietLogger(), opts)
	t.Cleanup(func() {
		pids := h.PIDs()
		h.Close()
		for _, pid := range pids {
			deadline := time.Now().Add(3 * time.Second)
			for alive(pid) {
				if time.Now().After(deadline) {
					syscall.Kill(pid, syscall.SIGKILL)
					t.Errorf("plugin process %d still running after Close", pid)
					break
				}
				time.Sleep(10 * time.Millisecond)
			}
		}
	})
	return h
}

func TestDescribe(t *testing.T) {
	h := newTestHost(t, Options{})
	p, err := h.Load(PluginSpec{Name: "toys", Path: testPlugin})
	if err != nil {
		t.Fatal(err)
	}
	d, err := p.Describe()
	if err != nil {
		t.Fatal(err)
	}
	if d.Name != "testplugin" || !d.Offers("env", toy.EnvID) || !d.Offers("teacher", "toy:arg") || !d.Offers("student", toy.StudentKind) {
		t.Errorf("description %+v does not offer the toy components", d)
	}
	if d.Offers("env", "CartPole-v1") {
		t.Errorf("description %+v offers CartPole-v1", d)
	}
	if n := h.NumProcesses(); n > 1 {
		t.Errorf("Describe left %d processes running, want at most one idle", n)
	}
}

// trace runs a small distillation loop — vector rollouts acted by the
// student, labelled by the teacher, trained on — and records every number
// it sees, so two providers can be compared bit for bit.
func trace(t *testing.T, p Provider) []float64 {
	t.Helper()
	const n = 4
	vec, err := p.MakeVectorEnv(toy.EnvID, n)
	if err != nil {
		t.Fatal(err)
	}
	defer vec.Close()
	teacher, err := p.MakeTeacher(toy.TeacherName, vec.Spec())
	if err != nil {
		t.Fatal(err)
	}
	defer closeIfCloser(teacher)
	spec := vec.Spec()
	cfg := framework.StudentConfig{ObservationSpace: spec.ObservationSpace, ActionSpace: spec.ActionSpace, Seed: 11,
		Adam: framework.DefaultAdam(), Params: framework.Params{"scale": 0.5, "steps": int64(2)}}
	cfg.Adam.LearningRate = 0.5
	student, err := p.MakeStudent(toy.StudentKind, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer closeIfCloser(student)
	rec, err := studenttest.Trace(vec, teacher, student, 5, 60)
	if err != nil {
		t.Fatal(err)
	}
	s, ok := student.(framework.Structural)
	if !ok {
		t.Fatalf("%s student %T is not Structural", p.Name(), student)
	}
	rec = append(rec, float64(s.StructureEvents()["train"]))
	var dot bytes.Buffer
	if err := s.DOT(&dot); err != nil || !strings.Contains(dot.String(), "digraph") {
		t.Errorf("DOT: %q, %v", dot.String(), err)
	}
	// A checkpoint restores the same actions into a fresh student.
	var ckpt bytes.Buffer
	if err := student.Save(&ckpt); err != nil {
		t.Fatal(err)
	}
	cfg.Seed = 99
	fresh, err := p.MakeStudent(toy.StudentKind, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer closeIfCloser(fresh)
	if err := fresh.Load(&ckpt); err != nil {
		t.Fatal(err)
	}
	obs, err := vec.Reset(framework.Seed(7))
	if err != nil {
		t.Fatal(err)
	}
	want, got := make([]float64, n), make([]float64, n)
	student.Act(obs, n, want)
	fresh.Act(obs, n, got)
	if fmt.Sprint(want) != fmt.Sprint(got) {
		t.Errorf("%s: loaded student acts %v, saved one %v", p.Name(), got, want)
	}
	return rec
}

func closeIfCloser(v any) {
	if c, ok := v.(io.Closer); ok {
		c.Close()
	}
}

func TestPluginMatchesInProcessBitForBit(t *testing.T) {
	h := newTestHost(t, Options{BuiltinCommand: []string{testPlugin, "-fault=serve"}})
	in := trace(t, h.Builtin(true))
	out := trace(t, h.Builtin(false))
	if len(in) != len(out) {
		t.Fatalf("in process recorded %d numbers, out of process %d", len(in), len(out))
	}
	for i := range in {
		if math.Float64bits(in[i]) != math.Float64bits(out[i]) {
			t.Fatalf("number %d differs: in process %v, plugin %v", i, in[i], out[i])
		}
	}
	if n := h.NumProcesses(); n > 4 {
		t.Errorf("%d processes still running after every component was closed; at most 4 were in use at once", n)
	}
}

// TestProcessReuse checks that a cleanly closed component's process serves
// the next one, that a failed one's does not, and that MaxIdle < 0 turns
// reuse off.
func TestProcessReuse(t *testing.T) {
	for _, maxIdle := range []int{0, -1} {
		h := newTestHost(t, Options{MaxIdle: maxIdle, BuiltinCommand: []string{testPlugin}})
		p := h.Builtin(false)
		open := func() (framework.Env, int) {
			env, err := p.MakeEnv(toy.EnvID)
			if err != nil {
				t.Fatal(err)
			}
			pids := h.PIDs()
			if len(pids) != 1 {
				t.Fatalf("MaxIdle %d: %d processes for one component", maxIdle, len(pids))
			}
			return env, pids[0]
		}
		env, first := open()
		env.Close()
		env, second := open()
		if reuse := first == second; reuse != (maxIdle >= 0) {
			t.Errorf("MaxIdle %d: process reused: %v", maxIdle, reuse)
		}
		// A failed call marks the process broken: it is not reused.
		if _, err := env.Step([]float64{0}); err == nil {
			t.Fatal("step before reset succeeded")
		}
		env.Close()
		env, third := open()
		if third == second {
			t.Errorf("MaxIdle %d: a process whose call failed was reused", maxIdle)
		}
		env.Close()
	}
}

func TestSingleEnvSemantics(t *testing.T) {
	h := newTestHost(t, Options{BuiltinCommand: []string{testPlugin}})
	for _, inProcess := range []bool{true, false} {
		env, err := h.Builtin(inProcess).MakeEnv(toy.EnvID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := env.Step([]float64{1}); !errors.Is(err, framework.ErrNeedsReset) {
			t.Errorf("in process %v: step before reset gave %v, want ErrNeedsReset", inProcess, err)
		}
		if _, err := env.Reset(framework.Seed(3)); err != nil {
			t.Fatal(err)
		}
		if _, err := env.Step([]float64{5}); err == nil {
			t.Errorf("in process %v: an action outside the space was accepted", inProcess)
		}
		r, ok := env.(framework.Renderer)
		if !ok {
			t.Fatalf("in process %v: %T does not render", inProcess, env)
		}
		img, err := r.Render()
		if err != nil || img.Bounds().Dx() != 40 {
			t.Errorf("in process %v: render gave %v, %v", inProcess, img, err)
		}
		if err := env.Close(); err != nil {
			t.Error(err)
		}
		if err := env.Close(); err != nil {
			t.Errorf("second close: %v", err)
		}
	}
}

// faultCase is one deliberately broken plugin and what its error must say.
type faultCase struct {
	name string
	args []string // the test plugin's arguments
	// use exercises the plugin up to the fault: "load", "env", "teacher"
	// or "student".
	use    string
	want   []string // substrings of the error
	stderr string   // a substring of one of Error.Stderr, if any
	call   string   // Error.Call
}

func TestFaults(t *testing.T) {
	tests := []faultCase{
		{"handshake", nil, "load", []string{"did not complete arena's handshake"}, "", "start"},
		{"start-hang", nil, "load", []string{"did not complete arena's handshake", "timeout"}, "loading a very large model", "start"},
		{"exit", nil, "load", []string{"did not complete arena's handshake"}, "cannot open weights.bin", "start"},
		{"crash-step", nil, "env", []string{"exited"}, "simulated segfault", "Env.Step"},
		{"hang-step", nil, "env", []string{"no answer within"}, "", "Env.Step"},
		{"panic-step", nil, "env", []string{"simulated bug in step"}, "", "Env.Step"},
		{"nan-obs", nil, "env", []string{"malformed reply", "NaN"}, "", "Env.Step"},
		{"short-obs", nil, "env", []string{"malformed reply", "15 observation values"}, "", "Env.Step"},
		{"bad-action", nil, "teacher", []string{"malformed reply", "not in the action space"}, "", "Teacher.Label"},
		{"nan-loss", nil, "student", []string{"malformed reply", "loss is NaN"}, "", "Student.Train"},
		// The exit code and the last lines, also the unfinished one, of
		// plain writes to os.Stderr before os.Exit.
		{"exit-train", nil, "train twice", []string{"the plugin process exited with status 7", "out of GPU memory", "giving up"}, "", "Student.Train"},
		// The deadline is the call's, not the call's times its minibatches.
		{"hang-train", nil, "train batches", []string{"no answer within 2s"}, "", "Student.TrainBatches"},
	}
	var cases []faultCase
	for _, tc := range tests {
		tc.args = []string{"-fault=" + tc.name}
		cases = append(cases, tc)
		if tc.use == "env" {
			// The same faults through one unary call per step (plugins
			// without channels).
			c := tc
			c.args = append([]string{"-no-channel"}, tc.args...)
			c.name += "/unary"
			cases = append(cases, c)
		}
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := newTestHost(t, Options{StartTimeout: 2 * time.Second, CallTimeout: 2 * time.Second})
			pidFile := filepath.Join(t.TempDir(), "pids")
			err := useFaulty(h, append(tc.args, "-pidfile="+pidFile), tc.use)
			t.Logf("error: %v", err)
			if err == nil {
				t.Fatal("no error")
			}
			var pe *Error
			if !errors.As(err, &pe) {
				t.Fatalf("error %T %v is not a *host.Error", err, err)
			}
			if pe.Plugin != "broken" || pe.Call != tc.call {
				t.Errorf("error names plugin %q call %q, want broken and %s", pe.Plugin, pe.Call, tc.call)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
			if tc.stderr != "" && !strings.Contains(strings.Join(pe.Stderr, "\n"), tc.stderr) {
				t.Errorf("error's stderr lines %q lack %q", pe.Stderr, tc.stderr)
			}
			h.Close()
			assertGone(t, pidFile)
		})
	}
}

// assertGone checks that every process listed in pidFile has ended.
func assertGone(t *testing.T, pidFile string) {
	t.Helper()
	b, err := os.ReadFile(pidFile)
	if err != nil {
		t.Fatalf("no plugin wrote its pid: %v", err)
	}
	for _, f := range strings.Fields(string(b)) {
		var pid int
		fmt.Sscan(f, &pid)
		deadline := time.Now().Add(3 * time.Second)
		for alive(pid) {
			if time.Now().After(deadline) {
				syscall.Kill(pid, syscall.SIGKILL)
				t.Errorf("plugin process %d outlived Host.Close", pid)
				break
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
}

// useFaulty drives a plugin started with args until it fails.
func useFaulty(h *Host, args []string, use string) error {
	p, err := h.Load(PluginSpec{Name: "broken", Path: testPlugin, Args: args})
	if err != nil {
		return err
	}
	return useFaultyProvider(p, use)
}

// useFaultyProvider drives a plugin's components until one fails.
func useFaultyProvider(p Provider, use string) error {
	vec, err := p.MakeVectorEnv(toy.EnvID, 8)
	if err != nil {
		return err
	}
	defer vec.Close()
	obs, err := vec.Reset(framework.Seed(1))
	if err != nil {
		return err
	}
	obs = append([]float64(nil), obs...)
	switch use {
	case "env":
		for range 10 {
			if _, err := vec.Step(make([]float64, 8)); err != nil {
				return err
			}
		}
	case "teacher":
		teacher, err := p.MakeTeacher(toy.TeacherName, vec.Spec())
		if err != nil {
			return err
		}
		defer closeIfCloser(teacher)
		var l framework.Labels
		return teacher.Label(obs, 8, &l)
	case "student":
		spec := vec.Spec()
		s, err := p.MakeStudent(toy.StudentKind, framework.StudentConfig{ObservationSpace: spec.ObservationSpace,
			ActionSpace: spec.ActionSpace, Adam: framework.DefaultAdam()})
		if err != nil {
			return err
		}
		defer closeIfCloser(s)
		_, err = s.Train(framework.Batch{Obs: obs, N: 8, Labels: framework.Labels{Actions: make([]float64, 8)}})
		return err
	case "train twice", "train batches":
		spec := vec.Spec()
		s, err := p.MakeStudent(toy.StudentKind, framework.StudentConfig{ObservationSpace: spec.ObservationSpace,
			ActionSpace: spec.ActionSpace, Adam: framework.DefaultAdam()})
		if err != nil {
			return err
		}
		defer closeIfCloser(s)
		b := framework.Batch{Obs: obs, N: 8, Labels: framework.Labels{Actions: make([]float64, 8)}}
		if use == "train batches" {
			batches := make([]framework.Batch, 20)
			for i := range batches {
				batches[i] = b
			}
			_, err = s.(framework.BatchTrainer).TrainBatches(batches, make([]float64, len(batches)))
			return err
		}
		for range 2 {
			if _, err := s.Train(b); err != nil {
				return err
			}
		}
	}
	return nil
}

func TestLoadDeclarations(t *testing.T) {
	b, err := os.ReadFile(testPlugin)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(b)
	good := hex.EncodeToString(sum[:])
	bad := strings.Repeat("0", 64)
	h := newTestHost(t, Options{})
	tests := []struct {
		name string
		spec PluginSpec
		want error
	}{
		{"checksum ok", PluginSpec{Name: "p", Path: testPlugin, SHA256: good}, nil},
		{"checksum mismatch", PluginSpec{Name: "p", Path: testPlugin, SHA256: bad}, ErrChecksum},
		{"checksum not hex", PluginSpec{Name: "p", Path: testPlugin, SHA256: "xyz"}, ErrBadPlugin},
		{"missing path", PluginSpec{Name: "p", Path: filepath.Join(t.TempDir(), "nope")}, ErrBadPlugin},
		{"not executable", PluginSpec{Name: "p", Path: "host.go"}, ErrBadPlugin},
		{"directory", PluginSpec{Name: "p", Path: t.TempDir()}, ErrBadPlugin},
		{"reserved name", PluginSpec{Name: "builtin", Path: testPlugin}, ErrBadPlugin},
		{"not a plugin", PluginSpec{Name: "p", Path: testPlugin, Args: []string{"-fault=handshake"}}, ErrBadPlugin},
		{"exits at start", PluginSpec{Name: "p", Path: testPlugin, Args: []string{"-fault=exit"}}, ErrBadPlugin},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := h.Load(tc.spec)
			if tc.want == nil && err != nil || tc.want != nil && !errors.Is(err, tc.want) {
				t.Errorf("Load: %v, want %v", err, tc.want)
			}
		})
	}
}

// TestSignalEndsPlugins runs a host in a child process, interrupts it, and
// checks that its plugin is gone too; then the same with SIGKILL, which the
// host cannot handle, so the plugin must notice on its own.
func TestSignalEndsPlugins(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes and waits for them")
	}
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGKILL} {
		t.Run(sig.String(), func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^$")
			cmd.Env = append(os.Environ(), "ARENA_HOST_TEST_CHILD="+testPlugin)
			stdout, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			var pid int
			if _, err := fmt.Fscan(stdout, &pid); err != nil {
				cmd.Process.Kill()
				cmd.Wait()
				t.Fatalf("child gave no plugin pid: %v", err)
			}
			cmd.Process.Signal(sig)
			cmd.Wait()
			deadline := time.Now().Add(5 * time.Second)
			for alive(pid) {
				if time.Now().After(deadline) {
					syscall.Kill(pid, syscall.SIGKILL)
					t.Fatalf("plugin %d outlived its host after %s", pid, sig)
				}
				time.Sleep(20 * time.Millisecond)
			}
		})
	}
}

func alive(pid int) bool {
	// A zombie is dead for our purpose; /proc tells them apart.
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return syscall.Kill(pid, 0) == nil
	}
	f := strings.Fields(string(b))
	return len(f) > 2 && f[2] != "Z"
}

// signalChild is the child of TestSignalEndsPlugins: a host with one
// running plugin, waiting to be signalled.
func signalChild() {
	h := New(quietLogger(), Options{})
	p, err := h.Load(PluginSpec{Name: "toys", Path: os.Getenv("ARENA_HOST_TEST_CHILD")})
	if err != nil {
		fmt.Println(-1)
		os.Exit(1)
	}
	env, err := p.MakeEnv(toy.EnvID)
	if err != nil {
		fmt.Println(-1)
		os.Exit(1)
	}
	defer env.Close()
	pids := h.PIDs()
	if len(pids) != 1 {
		fmt.Println(-1)
		os.Exit(1)
	}
	fmt.Println(pids[0])
	time.Sleep(time.Minute)
	os.Exit(0)
}

// TestPluginExitsWithParent starts the test plugin from a shell that exits
// soon after, without the parent-death signal: the SDK's parent watch must
// end the orphan on its own.
func TestPluginExitsWithParent(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for a process to notice its parent is gone")
	}
	pidFile := filepath.Join(t.TempDir(), "pids")
	cmd := exec.Command("sh", "-c", `"$0" -fault=serve -pidfile="$1" >/dev/null 2>&1 & sleep 0.5`, testPlugin, pidFile)
	cmd.Env = append(os.Environ(), wire.Handshake.MagicCookieKey+"="+wire.Handshake.MagicCookieValue)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	assertGone(t, pidFile)
}

// TestHotCallsTakeTheCheapestWay checks which way a vector env's steps
// travel: a channel when the plugin offers one, unary calls when it
// offers none, and that both give the same observations.
func TestHotCallsTakeTheCheapestWay(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		channel bool
	}{
		{"channel", []string{"-fault=serve"}, true},
		{"unary", []string{"-fault=none", "-no-channel"}, false},
	}
	var want []float64
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newTestHost(t, Options{})
			p, err := h.Load(PluginSpec{Name: "toy", Path: testPlugin, Args: tc.args})
			if err != nil {
				t.Fatal(err)
			}
			vec, err := p.MakeVectorEnv(toy.EnvID, 4)
			if err != nil {
				t.Fatal(err)
			}
			defer vec.Close()
			if _, err := vec.Reset(framework.Seed(5)); err != nil {
				t.Fatal(err)
			}
			var got []float64
			for i := range 20 {
				st, err := vec.Step([]float64{float64(i % 2), 1, 0, 1})
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, st.Obs...)
				got = append(got, st.Rewards...)
			}
			steps := vec.(*VectorEnv).steps
			if (steps.ch != nil) != tc.channel || steps.noChannel == tc.channel {
				t.Errorf("channel open %v, refused %v; want open %v", steps.ch != nil, steps.noChannel, tc.channel)
			}
			if want == nil {
				want = got
			} else if !slices.Equal(got, want) {
				t.Errorf("steps differ from the channel's")
			}
		})
	}
}

// TestAbortEndsCallsAndStarts checks that Abort does not wait for a plugin:
// a call stuck in it, and a start waiting for its handshake, both return
// at once with an error saying the host was closed.
func TestAbortEndsCallsAndStarts(t *testing.T) {
	h := newTestHost(t, Options{StartTimeout: time.Minute, CallTimeout: time.Minute})
	pidFile := filepath.Join(t.TempDir(), "pids")
	p, err := h.Load(PluginSpec{Name: "stuck", Path: testPlugin, Args: []string{"-fault=hang-train", "-pidfile=" + pidFile}})
	if err != nil {
		t.Fatal(err)
	}
	errs := make(chan error, 2)
	go func() { errs <- useFaultyProvider(p, "train twice") }()
	go func() {
		_, err := h.Load(PluginSpec{Name: "slow", Path: testPlugin, Args: []string{"-fault=start-hang", "-pidfile=" + pidFile}})
		errs <- err
	}()
	time.Sleep(time.Second) // both are under way
	h.Abort()
	for range 2 {
		select {
		case err := <-errs:
			if err == nil || !strings.Contains(err.Error(), "the plugin host is closed") {
				t.Errorf("error after Abort: %v, want one saying the host is closed", err)
			}
		case <-time.After(15 * time.Second):
			t.Fatal("a call or a start still waits 15 s after Abort (their limits are a minute)")
		}
	}
	assertGone(t, pidFile)
}

// TestCheckSeeded checks that an environment that ignores its seed is
// caught, and one that uses it is not.
func TestCheckSeeded(t *testing.T) {
	h := newTestHost(t, Options{})
	for _, tc := range []struct {
		fault string
		want  string
	}{
		{"serve", ""},
		{"unseeded", "is not deterministic"},
	} {
		p, err := h.Load(PluginSpec{Name: tc.fault, Path: testPlugin, Args: []string{"-fault=" + tc.fault}})
		if err != nil {
			t.Fatal(err)
		}
		err = CheckSeeded(p, toy.EnvID)
		if (tc.want == "") != (err == nil) || err != nil && !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: CheckSeeded = %v, want %q", tc.fault, err, tc.want)
		}
	}
}
