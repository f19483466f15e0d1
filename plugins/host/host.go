// Package host runs arena components in plugin processes and hands them to
// the distillation protocol as ordinary framework.Env, VectorEnv, Teacher
// and Student values.
//
// A Host owns every plugin process it starts. Built-in components come from
// Host.Builtin (in process, or out of process by re-executing the arena
// binary as "arena plugin serve"); third-party ones from Host.Load. Each
// live component made by a Provider has a plugin process of its own
// (processes are reused once a component is closed cleanly), so a plugin
// that crashes, hangs or returns malformed data fails only the run that
// uses it, with an *Error naming the plugin, the call and the last lines of
// its stderr.
package host

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/smgrnn/arena/framework"
	"github.com/smgrnn/arena/plugins/internal/wire"
)

// Options tune a Host. Zero values take the defaults.
type Options struct {
	// StartTimeout bounds a plugin's start and handshake (default 20s).
	StartTimeout time.Duration
	// CallTimeout is the deadline of every call to a plugin (default 60s),
	// unless the plugin's declaration sets its own (PluginSpec.CallTimeout).
	// A plugin that misses it is stopped.
	CallTimeout time.Duration
	// BuiltinCommand is the command serving the built-ins out of process
	// (default: this executable with "plugin serve").
	BuiltinCommand []string
	// NoSignalHandler leaves SIGINT and SIGTERM to the caller, who must then
	// call Close before exiting. By default the Host ends every plugin on
	// either signal and then lets the signal end the process.
	NoSignalHandler bool
	// StderrLines is how many of a plugin's last stderr lines an error
	// shows (default 8).
	StderrLines int
	// MaxIdle is how many idle plugin processes each provider keeps for
	// reuse (default 8; negative: none). A process whose component was
	// closed cleanly serves the next component instead of a fresh start;
	// one that failed in any way is never reused.
	MaxIdle int
}

// Host starts, tracks and ends plugin processes.
type Host struct {
	logger hclog.Logger
	opts   Options

	mu      sync.Mutex
	clients map[*plugin.Client]struct{}
	closed  bool
	stop    chan struct{}
	stopped sync.Once
	// ctx ends with Abort: calls under way return at once, and every
	// plugin process, started under it, is killed, also one that is still
	// starting or is stuck in a call.
	ctx    context.Context
	cancel context.CancelFunc

	reattach map[string]reattachConfig

	builtinOnce sync.Once
	builtin     Provider // the out-of-process built-ins, made once
}

// New returns a Host logging through logger (nil: hclog's default).
func New(logger hclog.Logger, opts Options) *Host {
	if logger == nil {
		logger = hclog.Default()
	}
	if opts.StartTimeout <= 0 {
		opts.StartTimeout = 20 * time.Second
	}
	if opts.CallTimeout <= 0 {
		opts.CallTimeout = 60 * time.Second
	}
	if opts.StderrLines <= 0 {
		opts.StderrLines = 8
	}
	if opts.MaxIdle == 0 {
		opts.MaxIdle = 8
	}
	h := &Host{logger: logger, opts: opts, clients: map[*plugin.Client]struct{}{}, stop: make(chan struct{})}
	h.ctx, h.cancel = context.WithCancel(context.Background())
	if s := os.Getenv(wire.ReattachEnv); s != "" {
		rc, err := parseReattach(s)
		if err != nil {
			logger.Warn("ignoring "+wire.ReattachEnv, "error", err)
		}
		h.reattach = rc
	}
	if !opts.NoSignalHandler {
		h.handleSignals()
	}
	return h
}

// handleSignals ends every plugin on SIGINT or SIGTERM and then re-raises
// the signal with its default action, so the arena still dies of it (and
// its exit status says so) but leaves no plugin behind.
func (h *Host) handleSignals() {
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	go func() {
		defer signal.Stop(ch)
		select {
		case sig := <-ch:
			h.logger.Info("ending plugins", "signal", sig.String())
			h.Abort()
			plugin.CleanupClients()
			signal.Reset(sig)
			if self, err := os.FindProcess(os.Getpid()); err == nil {
				self.Signal(sig)
			}
			// Should the signal not end the process by itself, exit with
			// the shell's status for death by SIGINT.
			time.Sleep(time.Second)
			os.Exit(130)
		case <-h.stop:
		}
	}()
}

// Close ends every plugin process the Host started, asking each to exit
// first; components made by it fail from then on. It is safe to call more
// than once, also after Abort.
func (h *Host) Close() {
	h.stopped.Do(func() { close(h.stop) })
	h.mu.Lock()
	h.closed = true
	clients := h.clients
	h.clients = map[*plugin.Client]struct{}{}
	h.mu.Unlock()
	var wg sync.WaitGroup
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.Kill()
		}()
	}
	wg.Wait()
}

// Abort is Close without waiting for any plugin: every process is killed
// at once, calls under way and plugins still starting fail at once with
// an error saying the host is closed. It is for stopping on a signal.
func (h *Host) Abort() {
	// What go-plugin logs about the processes it finds killed would only
	// bury the message saying why.
	h.logger.SetLevel(hclog.Off)
	h.cancel()
	h.Close()
}

// NumProcesses reports how many plugin processes are running.
func (h *Host) NumProcesses() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	n := 0
	for c := range h.clients {
		if !c.Exited() {
			n++
		}
	}
	return n
}

// launch says how to start (or reach) one plugin.
type launch struct {
	name     string
	path     string
	args     []string
	checksum []byte
	noMTLS   bool
	// timeout is the deadline of each call; 0: the host's CallTimeout.
	timeout time.Duration
}

// conn is one running plugin process and its gRPC connection.
type conn struct {
	h        *Host
	name     string
	client   *plugin.Client
	cmd      *exec.Cmd // nil for a reattached plugin
	cc       *grpc.ClientConn
	tail     *tailWriter
	shared   bool // a reattached debug plugin: never killed by us
	timeout  time.Duration
	killOnce sync.Once
	// pool takes the process back when its component is closed, unless
	// broken says a call failed.
	pool   *pool
	broken atomic.Bool
}

// pool keeps idle plugin processes of one provider for reuse.
type pool struct {
	mu   sync.Mutex
	max  int
	idle []*conn
}

// get returns an idle live process, or nil.
func (p *pool) get() *conn {
	p.mu.Lock()
	defer p.mu.Unlock()
	for len(p.idle) > 0 {
		c := p.idle[len(p.idle)-1]
		p.idle = p.idle[:len(p.idle)-1]
		if c.client != nil && !c.client.Exited() {
			return c
		}
		c.kill()
	}
	return nil
}

// put keeps c if there is room.
func (p *pool) put(c *conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.idle) >= p.max {
		return false
	}
	p.idle = append(p.idle, c)
	return true
}

func (h *Host) start(l launch) (*conn, error) {
	h.mu.Lock()
	closed := h.closed
	h.mu.Unlock()
	if closed {
		return nil, &Error{Plugin: l.name, Call: "start", Err: errors.New("the plugin host is closed")}
	}
	tail := newTailWriter(h.opts.StderrLines)
	cfg := &plugin.ClientConfig{
		HandshakeConfig:  wire.Handshake,
		VersionedPlugins: wire.HostPlugins(),
		AllowedProtocols: []plugin.Protocol{plugin.ProtocolGRPC},
		Managed:          true,
		StartTimeout:     h.opts.StartTimeout,
		Stderr:           tail,
		Logger:           h.logger.Named(l.name),
		// What plugin code writes to os.Stdout and os.Stderr once serving
		// (go-plugin forwards it over gRPC) is logged and kept too.
		SyncStdout: &lineLogger{log: h.logger.Named(l.name).Named("stdout")},
		SyncStderr: &lineLogger{log: h.logger.Named(l.name).Named("stderr"), tail: tail},
		AutoMTLS:   !l.noMTLS,
		GRPCDialOptions: []grpc.DialOption{grpc.WithDefaultCallOptions(
			grpc.MaxCallRecvMsgSize(wire.MaxMessageBytes), grpc.MaxCallSendMsgSize(wire.MaxMessageBytes))},
	}
	shared := false
	var cmd *exec.Cmd
	if rc, ok := h.reattach[l.name]; ok {
		re, err := rc.toPlugin()
		if err != nil {
			return nil, &Error{Plugin: l.name, Call: "reattach", Err: err}
		}
		cfg.Reattach, shared = re, true
		cfg.AutoMTLS = false
		// go-plugin negotiates versions only when it starts the process.
		cfg.Plugins, cfg.VersionedPlugins = wire.HostPlugins()[wire.ProtocolMajor], nil
		h.logger.Info("reattaching to a debug plugin", "plugin", l.name, "pid", rc.Pid, "address", rc.Address)
	} else {
		// Killed when the host aborts: go-plugin's own Kill first asks the
		// plugin to stop and waits two seconds for one stuck in a call, and
		// cannot stop one that is starting at all.
		cmd = exec.CommandContext(h.ctx, l.path, l.args...)
		cmd.Env = os.Environ()
		setParentDeathSignal(cmd)
		cfg.Cmd = cmd
		if l.checksum != nil {
			cfg.SecureConfig = &plugin.SecureConfig{Checksum: l.checksum, Hash: newSHA256()}
		}
	}
	client := plugin.NewClient(cfg)
	h.mu.Lock()
	if h.closed {
		// Close ran since the check above; it cannot have seen this one.
		h.mu.Unlock()
		return nil, &Error{Plugin: l.name, Call: "start", Err: errors.New("the plugin host is closed")}
	}
	h.clients[client] = struct{}{}
	h.mu.Unlock()
	timeout := l.timeout
	if timeout <= 0 {
		timeout = h.opts.CallTimeout
	}
	c := &conn{h: h, name: l.name, client: client, tail: tail, shared: shared, timeout: timeout}
	rpc, err := c.handshake()
	if err != nil {
		if errors.Is(err, plugin.ErrChecksumsDoNotMatch) {
			err = fmt.Errorf("%s: %w", l.path, ErrChecksum)
		} else if !errors.Is(err, errHostClosed) {
			err = fmt.Errorf("%w: %s", ErrHandshake, firstSentence(err.Error()))
		}
		return nil, c.wrap("start", err)
	}
	c.cmd = cmd
	raw, err := rpc.Dispense(wire.PluginName)
	if err != nil {
		c.kill()
		return nil, c.wrap("start", fmt.Errorf("dispense: %w", err))
	}
	cc, ok := raw.(*grpc.ClientConn)
	if !ok {
		c.kill()
		return nil, c.wrap("start", fmt.Errorf("dispensed %T, not a gRPC connection", raw))
	}
	c.cc = cc
	return c, nil
}

// handshake starts the plugin process and completes go-plugin's
// handshake. Close or Abort ends the wait at once; the start finishes in
// the background.
func (c *conn) handshake() (plugin.ClientProtocol, error) {
	type result struct {
		rpc plugin.ClientProtocol
		err error
	}
	done := make(chan result, 1)
	go func() {
		rpc, err := c.client.Client()
		if err != nil {
			c.kill()
		}
		done <- result{rpc, err}
	}()
	select {
	case r := <-done:
		return r.rpc, r.err
	case <-c.h.stop:
		go func() {
			if r := <-done; r.err == nil {
				c.kill()
			}
		}()
		return nil, errHostClosed
	}
}

// errHostClosed says the host was closed (the user interrupted arena).
var errHostClosed = errors.New("the plugin host is closed")

// ErrHandshake says a plugin did not start as an arena plugin: it is not
// one, is built for another machine, or exited or hung before its
// handshake.
var ErrHandshake = errors.New("the plugin did not complete arena's handshake")

// firstSentence keeps go-plugin's diagnosis of a failed start and drops
// its paragraph of generic advice.
func firstSentence(s string) string {
	if i := strings.Index(s, " This usually means"); i > 0 {
		s = s[:i]
	}
	return oneLine(s)
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// ErrChecksum says a plugin binary's SHA-256 is not the one declared.
var ErrChecksum = errors.New("plugin binary does not match its declared sha256")

// kill ends the plugin process (unless it is a shared debug plugin) and
// forgets it.
func (c *conn) kill() {
	c.killOnce.Do(func() {
		if c.client == nil {
			return
		}
		c.h.mu.Lock()
		delete(c.h.clients, c.client)
		c.h.mu.Unlock()
		c.client.Kill()
	})
}

// release ends a component's process once the component is closed, or
// keeps it for the next component when nothing went wrong with it.
func (c *conn) release() {
	if c.shared {
		return
	}
	if !c.broken.Load() && c.pool != nil && c.client != nil && !c.client.Exited() && c.pool.put(c) {
		return
	}
	c.kill()
}

// call runs one RPC under the call deadline and turns a failure into an
// *Error. A plugin that missed its deadline is stopped: it may be stuck
// forever, and its component cannot be trusted afterwards.
func (c *conn) call(name string, f func(ctx context.Context) error) error {
	return c.callWithin(name, c.timeout, f)
}

// callWithin is call with its own deadline.
func (c *conn) callWithin(name string, timeout time.Duration, f func(ctx context.Context) error) error {
	ctx, cancel := context.WithTimeout(c.h.ctx, timeout)
	defer cancel()
	err := f(ctx)
	if err == nil {
		return nil
	}
	return c.classify(name, err, errors.Is(ctx.Err(), context.DeadlineExceeded), timeout)
}

// classify turns a failed call into an *Error saying what happened: a
// missed deadline, a dead process, or the component's own error.
func (c *conn) classify(name string, err error, timedOut bool, limit time.Duration) error {
	c.broken.Store(true)
	st, _ := status.FromError(err)
	switch {
	case c.h.ctx.Err() != nil:
		c.release()
		return c.wrapQuiet(name, errHostClosed)
	case timedOut || st.Code() == codes.DeadlineExceeded:
		c.release()
		return c.wrap(name, fmt.Errorf("no answer within %s (the plugin hangs or is too slow); it was stopped", limit))
	case st.Code() == codes.Unavailable || st.Code() == codes.Canceled:
		if c.exited() {
			return c.wrap(name, fmt.Errorf("the plugin process %s", c.exitStatus()))
		}
		return c.wrap(name, fmt.Errorf("plugin unreachable: %s", st.Message()))
	case st.Code() == codes.FailedPrecondition:
		// The SDK sends framework.ErrNeedsReset this way, so errors.Is
		// works across the process boundary.
		return c.wrapQuiet(name, messageError{st.Message(), framework.ErrNeedsReset})
	}
	return c.wrapQuiet(name, errors.New(st.Message()))
}

// exited waits briefly for the process to be gone, so a crash is reported
// as one, with the stderr it left.
func (c *conn) exited() bool {
	if c.client == nil {
		return false
	}
	deadline := time.Now().Add(2 * time.Second)
	for time.Now().Before(deadline) {
		if c.client.Exited() {
			time.Sleep(20 * time.Millisecond) // let the stderr reader drain
			return true
		}
		time.Sleep(10 * time.Millisecond)
	}
	return false
}

// exitStatus says how the exited plugin process ended: its exit code or
// the signal that killed it.
func (c *conn) exitStatus() string {
	// go-plugin sets ProcessState in its Wait, before it marks the client
	// exited under the lock Exited takes: reading it now is ordered.
	if c.cmd == nil || c.client == nil || !c.client.Exited() || c.cmd.ProcessState == nil {
		return "exited (crashed?)"
	}
	ps := c.cmd.ProcessState
	if ws, ok := ps.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return fmt.Sprintf("was killed by signal %d (%s)", ws.Signal(), ws.Signal())
	}
	return fmt.Sprintf("exited with status %d", ps.ExitCode())
}

// wrap builds an *Error carrying the plugin's last stderr lines.
func (c *conn) wrap(call string, err error) *Error {
	return &Error{Plugin: c.name, Call: call, Err: err, Stderr: c.tail.lines()}
}

// wrapQuiet builds an *Error for an error the component itself reported:
// its message says what went wrong, stderr adds nothing.
func (c *conn) wrapQuiet(call string, err error) *Error {
	return &Error{Plugin: c.name, Call: call, Err: err}
}

// malformed reports a reply that breaks the protocol's contract.
func (c *conn) malformed(call string, format string, args ...any) *Error {
	c.broken.Store(true)
	return c.wrap(call, fmt.Errorf("%w: %s", ErrMalformed, fmt.Sprintf(format, args...)))
}

// ErrMalformed marks a plugin reply of the wrong shape, with NaN, or with an
// action outside its space.
var ErrMalformed = errors.New("malformed reply")

// Error is a failed call to a plugin.
type Error struct {
	// Plugin is the plugin's name, Call the call that failed
	// (e.g. "Env.Step").
	Plugin, Call string
	Err          error
	// Stderr holds the plugin's last stderr lines, when they help.
	Stderr []string
}

// Error implements error.
func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "plugin %q: %s: %v", e.Plugin, e.Call, e.Err)
	if len(e.Stderr) > 0 {
		fmt.Fprintf(&b, "; last stderr lines: %s", strings.Join(e.Stderr, " | "))
	}
	return b.String()
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// messageError is a peer's message standing for a known error.
type messageError struct {
	msg string
	err error
}

// Error implements error.
func (m messageError) Error() string { return m.msg }

// Unwrap implements errors.Unwrap.
func (m messageError) Unwrap() error { return m.err }

// PIDs lists the process IDs of the running plugins, for debugging and for
// tests that check no plugin outlives the arena.
func (h *Host) PIDs() []int {
	h.mu.Lock()
	defer h.mu.Unlock()
	var pids []int
	for c := range h.clients {
		if rc := c.ReattachConfig(); rc != nil && !c.Exited() {
			pids = append(pids, rc.Pid)
		}
	}
	return pids
}
