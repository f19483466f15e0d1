package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

var (
	testPluginOnce sync.Once
	testPlugin     string
	testPluginOut  []byte
	testPluginErr  error
)

// faultyMatch is a one-run match whose components all come from the test
// plugin, started with the given fault.
func faultyMatch(t *testing.T, fault, pidFile string) string {
	t.Helper()
	dir := t.TempDir()
	testPluginOnce.Do(func() {
		bin, err := os.MkdirTemp("", "arena-testplugin")
		if err != nil {
			testPluginErr = err
			return
		}
		testPlugin = filepath.Join(bin, "testplugin")
		testPluginOut, testPluginErr = exec.Command("go", "build", "-o", testPlugin, "../../plugins/internal/testplugin").CombinedOutput()
	})
	if testPluginErr != nil {
		t.Fatalf("build the test plugin: %v\n%s", testPluginErr, testPluginOut)
	}
	plugin := testPlugin
	text := fmt.Sprintf(`name = "faulty"
seeds = 1
[budget]
env_steps = 400
eval_every = 200
eval_episodes = 2
final_eval_episodes = 2
[distill]
envs = 2
round_steps = 100
updates_per_round = 5
batch_size = 8
[[plugin]]
name = "faulty"
path = %q
args = ["-fault=%s", "-pidfile=%s"]
[[env]]
id = "Toy-v0"
teacher = "toy"
[[student]]
name = "toy"
kind = "toy"
`, plugin, fault, pidFile)
	path := filepath.Join(dir, "faulty.toml")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// lockedBuffer collects a child's stderr while the test reads it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestSignalStopsMatch checks that the first SIGINT or SIGTERM stops a
// match stuck in a plugin call (whose deadline is a minute), and one still
// starting a plugin (whose start timeout is 20 s), with the shell's status
// for the signal, a line saying how to resume, and no plugin left.
func TestSignalStopsMatch(t *testing.T) {
	arena := builtArena(t)
	tests := []struct {
		name, fault string
		sig         syscall.Signal
		code        int
		wait        string // stderr that says the child got where the signal is meant for
		want        string
	}{
		{"SIGINT in a hung Train", "hang-train", syscall.SIGINT, 130, "1 run (", "continue with: arena run --resume"},
		{"SIGTERM in a hung Train", "hang-train", syscall.SIGTERM, 143, "1 run (", "continue with: arena run --resume"},
		{"SIGINT while a plugin starts", "start-hang", syscall.SIGINT, 130, "", "interrupted before any run started"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pidFile := filepath.Join(t.TempDir(), "pids")
			path := faultyMatch(t, tt.fault, pidFile)
			out := filepath.Join(t.TempDir(), "out")
			cmd := exec.Command(arena, "run", path, "--out", out)
			var stderr lockedBuffer
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			exited := make(chan error, 1)
			go func() { exited <- cmd.Wait() }()
			// Wait until the child is where the signal should find it, then
			// a little longer, so the plugin call or start is under way.
			deadline := time.Now().Add(30 * time.Second)
			for !strings.Contains(stderr.String(), tt.wait) || !fileHasLine(pidFile) {
				if time.Now().After(deadline) {
					cmd.Process.Kill()
					t.Fatalf("the child never got going; stderr:\n%s", stderr.String())
				}
				time.Sleep(50 * time.Millisecond)
			}
			time.Sleep(1500 * time.Millisecond)
			cmd.Process.Signal(tt.sig)
			select {
			case <-exited:
			case <-time.After(15 * time.Second):
				cmd.Process.Kill()
				t.Fatalf("arena still runs 15 s after %s; stderr:\n%s", tt.sig, stderr.String())
			}
			if code := cmd.ProcessState.ExitCode(); code != tt.code {
				t.Errorf("exit status %d, want %d", code, tt.code)
			}
			if !strings.Contains(stderr.String(), tt.want) {
				t.Errorf("stderr lacks %q:\n%s", tt.want, stderr.String())
			}
			if recs, _ := filepath.Glob(filepath.Join(out, "runs", "*.json")); len(recs) != 0 {
				t.Errorf("an interrupted run left records %v", recs)
			}
			assertPluginsGone(t, pidFile)
		})
	}
}

func fileHasLine(path string) bool {
	b, err := os.ReadFile(path)
	return err == nil && bytes.Contains(b, []byte("\n"))
}

// assertPluginsGone checks every process listed in pidFile has ended.
func assertPluginsGone(t *testing.T, pidFile string) {
	t.Helper()
	b, _ := os.ReadFile(pidFile)
	for _, f := range strings.Fields(string(b)) {
		var pid int
		fmt.Sscan(f, &pid)
		deadline := time.Now().Add(3 * time.Second)
		for processAlive(pid) {
			if time.Now().After(deadline) {
				syscall.Kill(pid, syscall.SIGKILL)
				t.Errorf("plugin process %d outlived arena", pid)
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
}

func processAlive(pid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return syscall.Kill(pid, 0) == nil
	}
	f := strings.Fields(string(b))
	return len(f) > 2 && f[2] != "Z"
}
