package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/hashicorp/go-hclog"

	"github.com/smgrnn/arena/plugins/host"
	"github.com/smgrnn/arena/plugins/sdk"
)

// arenaVersion is what the built-in plugin reports to Describe.
const arenaVersion = "dev"

func init() {
	register(&command{
		name:    "plugin",
		summary: "inspect plugins: describe PATH",
		run:     runPlugin,
	})
}

func runPlugin(args []string, stdout io.Writer) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprintln(stdout, "Usage: arena plugin SUBCOMMAND [arguments]")
		fmt.Fprintln(stdout, "  describe PATH    print what a plugin offers (--json for JSON; --builtin for this binary's own)")
		return nil
	}
	switch args[0] {
	case "describe":
		return runPluginDescribe(args[1:], stdout)
	case "serve":
		// Hidden: the arena binary re-executed by a plugin host to serve
		// the built-in components out of process. Never returns.
		if len(args) != 1 {
			return badInput("plugin serve takes no arguments")
		}
		sdk.Serve(sdk.Registered("builtin", arenaVersion))
		return nil
	}
	return badInput("unknown plugin subcommand %q (known: describe)", args[0])
}

// pluginDescription is what "arena plugin describe" prints.
type pluginDescription struct {
	host.Description
	Path   string    `json:"path"`
	SHA256 string    `json:"sha256"`
	Specs  []envLine `json:"env_specs"`
}

type envLine struct {
	ID              string   `json:"id"`
	Observation     string   `json:"observation_space"`
	Action          string   `json:"action_space"`
	MaxEpisodeSteps int      `json:"max_episode_steps"`
	RewardThreshold *float64 `json:"reward_threshold"`
}

func runPluginDescribe(args []string, stdout io.Writer) error {
	fs := newFlags("plugin describe", stdout)
	asJSON := fs.Bool("json", false, "print JSON")
	noMTLS := fs.Bool("no-auto-mtls", false, "turn off automatic mutual TLS (plugins not using go-plugin's Go library)")
	builtin := fs.Bool("builtin", false, "describe this binary's built-ins, served as a plugin")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	var path string
	switch {
	case *builtin && len(pos) == 0:
		if path, err = os.Executable(); err != nil {
			return fmt.Errorf("find the arena binary: %w", err)
		}
	case !*builtin && len(pos) == 1:
		path = pos[0]
	default:
		return badInput("plugin describe needs one plugin path, or --builtin")
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return asInput(fmt.Errorf("read plugin: %w", err))
	}
	sum := sha256.Sum256(b)
	logger := hclog.New(&hclog.LoggerOptions{Name: "arena", Output: os.Stderr, Level: hclog.Warn})
	h := host.New(logger, host.Options{})
	defer h.Close()
	var p host.Provider
	if *builtin {
		p = h.Builtin(false)
	} else if p, err = h.Load(host.PluginSpec{Name: "describe", Path: path, NoAutoMTLS: *noMTLS}); err != nil {
		if errors.Is(err, host.ErrBadPlugin) {
			return asInput(err)
		}
		return err
	}
	d, err := p.Describe()
	if err != nil {
		return err
	}
	// JSON readers get an empty list, not null, for what a plugin lacks.
	for _, l := range []*[]string{&d.Envs, &d.Teachers, &d.Students} {
		if *l == nil {
			*l = []string{}
		}
	}
	out := pluginDescription{Description: d, Path: path, SHA256: hex.EncodeToString(sum[:]), Specs: []envLine{}}
	for _, id := range d.Envs {
		env, err := p.MakeEnv(id)
		if err != nil {
			return fmt.Errorf("open %s: %w", id, err)
		}
		s := env.Spec()
		env.Close()
		out.Specs = append(out.Specs, envLine{ID: id, Observation: s.ObservationSpace.String(), Action: s.ActionSpace.String(),
			MaxEpisodeSteps: s.MaxEpisodeSteps, RewardThreshold: s.RewardThreshold})
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	fmt.Fprintf(stdout, "plugin    %s %s (protocol arena.v1, minor %d)\n", d.Name, d.Version, d.ProtocolMinor)
	fmt.Fprintf(stdout, "path      %s\nsha256    %s\n", path, out.SHA256)
	for _, e := range out.Specs {
		fmt.Fprintf(stdout, "env       %s: observations %s, actions %s, max %d steps\n", e.ID, e.Observation, e.Action, e.MaxEpisodeSteps)
	}
	fmt.Fprintf(stdout, "teachers  %s\nstudents  %s\n", listOrNone(d.Teachers), listOrNone(d.Students))
	return nil
}

func listOrNone(l []string) string {
	if len(l) == 0 {
		return "(none)"
	}
	return strings.Join(l, ", ")
}
