package host

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/smgrnn/arena/framework"
	"github.com/smgrnn/arena/plugins/internal/wire"
	arenav1 "github.com/smgrnn/arena/plugins/proto/arena/v1"
)

// Description is what a provider offers, from the plugin's Describe call.
type Description struct {
	Name          string   `json:"name"`
	Version       string   `json:"version"`
	ProtocolMinor uint32   `json:"protocol_minor"`
	Envs          []string `json:"envs"`
	Teachers      []string `json:"teachers"`
	Students      []string `json:"students"`
}

// Offers reports whether the description lists name among what (one of
// "env", "teacher", "student"); a teacher spec "NAME:ARG" matches NAME.
func (d Description) Offers(what, name string) bool {
	var list []string
	switch what {
	case "env":
		list = d.Envs
	case "teacher":
		list = d.Teachers
		name, _, _ = strings.Cut(name, ":")
	case "student":
		list = d.Students
	}
	for _, x := range list {
		if x == name {
			return true
		}
	}
	return false
}

// Provider makes components. Every live component a plugin provider makes
// has a plugin process of its own. Its Close (teachers and students, which
// have none in their framework interface, implement io.Closer) hands a
// sound process back for reuse; Host.Close ends them all.
type Provider interface {
	// Name is the provider's name: "builtin" or the plugin's declared name.
	Name() string
	// Describe lists what the provider offers.
	Describe() (Description, error)
	// MakeEnv makes one environment (Gymnasium's Env semantics).
	MakeEnv(id string) (framework.Env, error)
	// MakeVectorEnv makes n copies stepped together, one call per step.
	MakeVectorEnv(id string, n int) (framework.VectorEnv, error)
	// MakeTeacher makes a teacher from a spec "NAME" or "NAME:ARG".
	MakeTeacher(spec string, env framework.EnvSpec) (framework.Teacher, error)
	// MakeStudent makes a student; it implements framework.Structural when
	// the student does.
	MakeStudent(kind string, cfg framework.StudentConfig) (framework.Student, error)
}

// Builtin returns the provider of arena's own components: in this process
// when inProcess, else each component in its own "arena plugin serve"
// process (Options.BuiltinCommand). Both give bit-identical results.
func (h *Host) Builtin(inProcess bool) Provider {
	if inProcess {
		return inProcessProvider{}
	}
	cmd := h.opts.BuiltinCommand
	if len(cmd) == 0 {
		exe, err := os.Executable()
		if err != nil {
			return failedProvider{name: "builtin", err: fmt.Errorf("find the arena binary to serve built-ins: %w", err)}
		}
		cmd = []string{exe, "plugin", "serve"}
	}
	h.builtinOnce.Do(func() {
		h.builtin = h.newPluginProvider(launch{name: "builtin", path: cmd[0], args: cmd[1:]})
	})
	return h.builtin
}

func (h *Host) newPluginProvider(l launch) *pluginProvider {
	return &pluginProvider{h: h, l: l, pool: &pool{max: max(h.opts.MaxIdle, 0)}}
}

// PluginSpec declares a third-party plugin, as a match file's [[plugin]]
// table does.
type PluginSpec struct {
	// Name is how the match refers to the plugin; its logs and errors carry
	// it too.
	Name string `toml:"name" json:"name"`
	// Path is the plugin's executable.
	Path string `toml:"path" json:"path"`
	// SHA256, when set, is the executable's expected checksum (hex),
	// checked before every launch.
	SHA256 string `toml:"sha256" json:"sha256,omitempty"`
	// Args are passed to the executable.
	Args []string `toml:"args" json:"args,omitempty"`
	// NoAutoMTLS turns off go-plugin's automatic mutual TLS, for plugins
	// written without go-plugin's Go library.
	NoAutoMTLS bool `toml:"no_auto_mtls" json:"no_auto_mtls,omitempty"`
	// CallTimeout, when positive, is the deadline of each call to this
	// plugin instead of the host's Options.CallTimeout.
	CallTimeout time.Duration `toml:"-" json:"call_timeout,omitempty"`
}

// buildHint says how to build one of the repository's example plugins,
// which a fresh clone does not hold built: their binaries go to
// examples/plugins/bin/NAME from ./examples/plugins/NAME.
func buildHint(path string) string {
	dir, name := filepath.Split(filepath.ToSlash(path))
	if !strings.HasSuffix(dir, "examples/plugins/bin/") {
		return ""
	}
	return fmt.Sprintf(" (from the repository's root: go build -o examples/plugins/bin/%s ./examples/plugins/%s)", name, name)
}

// ErrBadPlugin marks a plugin declaration that cannot work: a missing or
// non-executable path, a malformed checksum. Callers treat it as bad input.
var ErrBadPlugin = errors.New("bad plugin declaration")

// Load starts the plugin once to check its path, checksum, handshake and
// protocol, and returns its provider. Bad declarations wrap ErrBadPlugin or
// ErrChecksum.
func (h *Host) Load(spec PluginSpec) (Provider, error) {
	if spec.Name == "" || spec.Name == "builtin" {
		return nil, fmt.Errorf("%w: plugin name %q is empty or reserved", ErrBadPlugin, spec.Name)
	}
	l := launch{name: spec.Name, path: spec.Path, args: spec.Args, noMTLS: spec.NoAutoMTLS, timeout: spec.CallTimeout}
	if _, attached := h.reattach[spec.Name]; !attached {
		fi, err := os.Stat(spec.Path)
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("%w: plugin %q: %s does not exist; build it first%s", ErrBadPlugin, spec.Name, spec.Path, buildHint(spec.Path))
		}
		if err != nil {
			return nil, fmt.Errorf("%w: plugin %q: %v", ErrBadPlugin, spec.Name, err)
		}
		if fi.IsDir() || fi.Mode()&0o111 == 0 {
			return nil, fmt.Errorf("%w: plugin %q: %s is not an executable file", ErrBadPlugin, spec.Name, spec.Path)
		}
		if abs, err := filepath.Abs(spec.Path); err == nil {
			l.path = abs
		}
	}
	if spec.SHA256 != "" {
		sum, err := hex.DecodeString(spec.SHA256)
		if err != nil || len(sum) != 32 {
			return nil, fmt.Errorf("%w: plugin %q: sha256 %q is not 64 hex digits", ErrBadPlugin, spec.Name, spec.SHA256)
		}
		l.checksum = sum
	}
	p := h.newPluginProvider(l)
	if _, err := p.Describe(); err != nil {
		if errors.Is(err, ErrHandshake) {
			return nil, fmt.Errorf("%w: %w", ErrBadPlugin, err)
		}
		return nil, err
	}
	return p, nil
}

// pluginProvider runs each component in a plugin process of its own,
// reusing processes whose components were closed cleanly.
type pluginProvider struct {
	h    *Host
	l    launch
	pool *pool

	mu   sync.Mutex
	desc *Description
}

// Name implements Provider.
func (p *pluginProvider) Name() string { return p.l.name }

// Describe starts the plugin, asks it, and remembers the answer.
func (p *pluginProvider) Describe() (Description, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.desc != nil {
		return *p.desc, nil
	}
	c, err := p.conn()
	if err != nil {
		return Description{}, err
	}
	defer c.release()
	var resp *arenav1.DescribeResponse
	err = c.call("Plugin.Describe", func(ctx context.Context) (err error) {
		resp, err = arenav1.NewPluginClient(c.cc).Describe(ctx, &arenav1.DescribeRequest{})
		return err
	})
	if err != nil {
		return Description{}, err
	}
	d := Description{Name: resp.Name, Version: resp.Version, ProtocolMinor: resp.ProtocolMinor,
		Envs: resp.Envs, Teachers: resp.Teachers, Students: resp.Students}
	if d.ProtocolMinor > wire.ProtocolMinor {
		p.h.logger.Info("plugin speaks a newer protocol minor version; its additions are ignored",
			"plugin", p.l.name, "plugin_minor", d.ProtocolMinor, "host_minor", wire.ProtocolMinor)
	}
	p.desc = &d
	return d, nil
}

// conn returns an idle process of the provider, or starts one.
func (p *pluginProvider) conn() (*conn, error) {
	if c := p.pool.get(); c != nil {
		return c, nil
	}
	c, err := p.h.start(p.l)
	if err != nil {
		return nil, err
	}
	c.pool = p.pool
	return c, nil
}

// component gets a process for one component and runs open in it; the
// process ends if open fails.
func component[T any](p *pluginProvider, open func(c *conn) (T, error)) (T, error) {
	var zero T
	c, err := p.conn()
	if err != nil {
		return zero, err
	}
	v, err := open(c)
	if err != nil {
		// A refusal (unknown ID, bad settings) leaves the process sound,
		// but a failed open is rare enough not to bother reusing it.
		c.broken.Store(true)
		c.release()
		return zero, err
	}
	return v, nil
}

// MakeEnv implements Provider.
func (p *pluginProvider) MakeEnv(id string) (framework.Env, error) {
	return component(p, func(c *conn) (framework.Env, error) { return newEnv(c, id) })
}

// MakeVectorEnv implements Provider.
func (p *pluginProvider) MakeVectorEnv(id string, n int) (framework.VectorEnv, error) {
	if n <= 0 {
		return nil, fmt.Errorf("vector env of %s needs a positive number of copies, got %d", id, n)
	}
	return component(p, func(c *conn) (framework.VectorEnv, error) { return newVectorEnv(c, id, n) })
}

// MakeTeacher implements Provider.
func (p *pluginProvider) MakeTeacher(spec string, env framework.EnvSpec) (framework.Teacher, error) {
	return component(p, func(c *conn) (framework.Teacher, error) { return newTeacher(c, spec, env) })
}

// MakeStudent implements Provider.
func (p *pluginProvider) MakeStudent(kind string, cfg framework.StudentConfig) (framework.Student, error) {
	// Minor 2 added TrainBatches; an older plugin is trained one minibatch
	// per call.
	d, err := p.Describe()
	batches := err == nil && d.ProtocolMinor >= 2
	return component(p, func(c *conn) (framework.Student, error) { return newStudent(c, kind, cfg, batches) })
}

// inProcessProvider makes built-ins straight from the framework registries.
type inProcessProvider struct{}

// Name implements Provider.
func (inProcessProvider) Name() string { return "builtin" }

// Describe implements Provider.
func (inProcessProvider) Describe() (Description, error) {
	return Description{Name: "builtin", ProtocolMinor: wire.ProtocolMinor,
		Envs: framework.EnvIDs(), Teachers: framework.TeacherNames(), Students: framework.StudentKinds()}, nil
}

// MakeEnv implements Provider.
func (inProcessProvider) MakeEnv(id string) (framework.Env, error) { return framework.MakeEnv(id) }

// MakeVectorEnv implements Provider.
func (inProcessProvider) MakeVectorEnv(id string, n int) (framework.VectorEnv, error) {
	return framework.MakeVectorEnv(id, n)
}

// MakeTeacher implements Provider.
func (inProcessProvider) MakeTeacher(spec string, env framework.EnvSpec) (framework.Teacher, error) {
	return framework.MakeTeacher(spec, env)
}

// MakeStudent implements Provider.
func (inProcessProvider) MakeStudent(kind string, cfg framework.StudentConfig) (framework.Student, error) {
	return framework.MakeStudent(kind, cfg)
}

// failedProvider reports why a provider could not be set up on every call.
type failedProvider struct {
	name string
	err  error
}

// Name implements Provider.
func (f failedProvider) Name() string { return f.name }

// Describe implements Provider.
func (f failedProvider) Describe() (Description, error) { return Description{}, f.err }

// MakeEnv implements Provider.
func (f failedProvider) MakeEnv(string) (framework.Env, error) { return nil, f.err }

// MakeVectorEnv implements Provider.
func (f failedProvider) MakeVectorEnv(string, int) (framework.VectorEnv, error) { return nil, f.err }

// MakeTeacher implements Provider.
func (f failedProvider) MakeTeacher(string, framework.EnvSpec) (framework.Teacher, error) {
	return nil, f.err
}

// MakeStudent implements Provider.
func (f failedProvider) MakeStudent(string, framework.StudentConfig) (framework.Student, error) {
	return nil, f.err
}
