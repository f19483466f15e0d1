// Package sdk serves arena components (environments, teachers, students)
// from a plugin process, over the arena.v1 gRPC protocol and
// hashicorp/go-plugin's handshake.
//
// A plugin's main function builds its components and calls Serve:
//
//	func main() {
//		sdk.Serve(sdk.Components{
//			Name: "double-integrator", Version: "1.0.0",
//			Envs: map[string]framework.EnvMaker{"DoubleIntegrator-v0": newEnv},
//		})
//	}
//
// The plugin must not write to stdout before Serve: go-plugin's handshake
// line is read from there. Log to stderr (Logger gives a logger whose lines
// the host shows under the plugin's name).
package sdk

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"os"
	"os/signal"
	"runtime"
	"sync"
	"syscall"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"
	"github.com/smgrnn/arena/plugins/internal/wire"
	"google.golang.org/grpc"
)

// Stderr is the process's real standard error. go-plugin points os.Stderr
// at a gRPC stream once serving starts, and that stream loses what a
// crashing plugin writes last; the host reads this one to the end.
var Stderr io.Writer = os.Stderr

// Logger returns a logger for plugin code: JSON lines on Stderr, which the
// host parses and logs under the plugin's name at the right level.
func Logger(name string) hclog.Logger { return hclog.New(loggerOptions(name)) }

func loggerOptions(name string) *hclog.LoggerOptions {
	return &hclog.LoggerOptions{Name: name, Level: hclog.Trace, Output: Stderr, JSONFormat: true}
}

// Serve serves c until the host ends the plugin, then exits the process. It
// never returns. Run directly by a user with DebugEnv=1 it serves in debug
// mode instead (see PLUGINS.md).
func Serve(c Components) {
	// Nothing may reach stdout before the handshake line, and the standard
	// logger keeps the real stderr once go-plugin redirects os.Stderr.
	log.SetOutput(Stderr)
	// The host gives each live component a process of its own and calls it
	// one call at a time, so a plugin rarely has parallel work; with one P,
	// gRPC's goroutines hand each message over on the same thread instead
	// of waking another (BenchmarkVectorStep in plugins/host). A plugin
	// that wants more sets GOMAXPROCS in its environment.
	if os.Getenv("GOMAXPROCS") == "" {
		runtime.GOMAXPROCS(1)
	}
	srv := NewServer(c)
	cfg := &plugin.ServeConfig{
		HandshakeConfig:  wire.Handshake,
		VersionedPlugins: map[int]plugin.PluginSet{wire.ProtocolMajor: {wire.PluginName: &wire.GRPCPlugin{Register: srv.Register}}},
		GRPCServer: func(opts []grpc.ServerOption) *grpc.Server {
			return grpc.NewServer(append(append(opts, ServerOptions()...),
				grpc.ChainUnaryInterceptor(restoreStderrUnary), grpc.ChainStreamInterceptor(restoreStderrStream))...)
		},
		Logger: Logger(c.Name),
	}
	if os.Getenv(wire.DebugEnv) == "1" {
		serveDebug(c.Name, cfg)
		os.Exit(0)
	}
	WatchParent()
	plugin.Serve(cfg)
	os.Exit(0)
}

// restoreStderr points os.Stderr back at the process's real standard
// error, once go-plugin has pointed it at its gRPC stream (it does so
// after the handshake, before any call). Through the stream, what a
// plugin writes last before os.Exit or a crash is lost; written to the
// real stderr, the host reads it to the end and shows it.
var restoreStderr = sync.OnceFunc(func() {
	if f, ok := Stderr.(*os.File); ok {
		os.Stderr = f
	}
})

func restoreStderrUnary(ctx context.Context, req any, _ *grpc.UnaryServerInfo, next grpc.UnaryHandler) (any, error) {
	restoreStderr()
	return next(ctx, req)
}

func restoreStderrStream(srv any, ss grpc.ServerStream, _ *grpc.StreamServerInfo, next grpc.StreamHandler) error {
	restoreStderr()
	return next(srv, ss)
}

// ServerOptions are the gRPC server options every arena plugin needs:
// message limits on both sides, and a panic in a component turned into
// an error of its one call.
func ServerOptions() []grpc.ServerOption {
	return []grpc.ServerOption{grpc.MaxRecvMsgSize(wire.MaxMessageBytes), grpc.MaxSendMsgSize(wire.MaxMessageBytes),
		grpc.ChainUnaryInterceptor(recoverUnary)}
}

// WatchParent ends the process when its parent is gone; Serve runs it, and
// plugins serving without Serve should too.
func WatchParent() { go exitWithParent(os.Getppid(), time.Second) }

// exitWithParent ends the plugin when the process that started it is gone
// (its parent changes to init or a subreaper), so a host killed by SIGKILL
// leaves no plugin behind.
func exitWithParent(ppid int, every time.Duration) {
	for range time.Tick(every) {
		if os.Getppid() != ppid {
			fmt.Fprintln(os.Stderr, "arena plugin: host process is gone, exiting")
			os.Exit(1)
		}
	}
}

// serveDebug serves without a host: the plugin runs under a debugger or in a
// terminal, and prints how to point arena at it.
func serveDebug(name string, cfg *plugin.ServeConfig) {
	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer cancel()
	// Ctrl-C closes go-plugin's listener under its gRPC server, which then
	// logs the closed listener as an error: a normal stop is not one.
	opts := loggerOptions(name)
	opts.Exclude = func(level hclog.Level, msg string, args ...any) bool {
		return ctx.Err() != nil && msg == "grpc server"
	}
	cfg.Logger = hclog.New(opts)
	reattach := make(chan *plugin.ReattachConfig, 1)
	closed := make(chan struct{})
	cfg.Test = &plugin.ServeTestConfig{Context: ctx, ReattachConfigCh: reattach, CloseCh: closed}
	go plugin.Serve(cfg)
	select {
	case rc := <-reattach:
		b, _ := json.Marshal(map[string]wire.ReattachConfig{name: {
			Protocol: string(rc.Protocol), ProtocolVersion: rc.ProtocolVersion, Pid: rc.Pid,
			Network: rc.Addr.Network(), Address: rc.Addr.String()}})
		fmt.Fprintf(os.Stderr, "arena plugin %q is running in debug mode; point arena at it with:\n\n\t%s='%s'\n\nStop it with Ctrl-C.\n", name, wire.ReattachEnv, b)
	case <-closed:
		fmt.Fprintln(os.Stderr, "arena plugin: serving ended before it started")
		return
	}
	<-closed
}
