package host

import (
	"bufio"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/smgrnn/arena/framework"
	"github.com/smgrnn/arena/plugins/internal/toy"
	"github.com/smgrnn/arena/plugins/internal/wire"
)

// TestReattachToDebugPlugin starts the test plugin in debug mode, as a user
// would under a debugger, and points a host at it with the line it prints.
func TestReattachToDebugPlugin(t *testing.T) {
	cmd := exec.Command(testPlugin, "-fault=serve")
	cmd.Env = append(os.Environ(), wire.DebugEnv+"=1")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		cmd.Process.Kill()
		cmd.Wait()
	}()
	lines := make(chan string, 1)
	var logged []string // every stderr line, read once the plugin has exited
	readDone := make(chan struct{})
	go func() {
		defer close(readDone)
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			logged = append(logged, sc.Text())
			if line := strings.TrimSpace(sc.Text()); strings.HasPrefix(line, wire.ReattachEnv+"=") {
				lines <- line
			}
		}
	}()
	var line string
	select {
	case line = <-lines:
	case <-time.After(10 * time.Second):
		t.Fatal("the debug plugin printed no reattach line")
	}
	value := strings.Trim(strings.TrimPrefix(line, wire.ReattachEnv+"="), "'")
	t.Setenv(wire.ReattachEnv, value)

	h := newTestHost(t, Options{})
	// The path is not looked at when attaching.
	p, err := h.Load(PluginSpec{Name: "testplugin", Path: "/nonexistent"})
	if err != nil {
		t.Fatal(err)
	}
	for range 2 { // two components share the one debug process
		vec, err := p.MakeVectorEnv(toy.EnvID, 2)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := vec.Reset(framework.Seed(1)); err != nil {
			t.Fatal(err)
		}
		if _, err := vec.Step([]float64{0, 1}); err != nil {
			t.Fatal(err)
		}
		if err := vec.Close(); err != nil {
			t.Fatal(err)
		}
	}
	h.Close()
	if !alive(cmd.Process.Pid) {
		t.Error("closing the host ended the user's debug plugin")
	}

	// Ctrl-C is the normal way to stop it: it exits cleanly and logs no
	// error about its own listener closing.
	cmd.Process.Signal(os.Interrupt)
	if err := cmd.Wait(); err != nil {
		t.Errorf("the debug plugin stopped by Ctrl-C: %v", err)
	}
	<-readDone
	for _, l := range logged {
		if strings.Contains(l, `"@level":"error"`) {
			t.Errorf("stopping the debug plugin logged an error: %s", l)
		}
	}
}
