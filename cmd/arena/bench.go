package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/smgrnn/arena/framework"
	"github.com/smgrnn/arena/framework/match"
	"github.com/smgrnn/arena/plugins/host"
)

func init() {
	register(&command{
		name:    "bench",
		summary: "measure environment and training throughput, in process and through plugins",
		run:     runBench,
	})
}

// benchResult is one measured rate.
type benchResult struct {
	What      string  `json:"what"`
	Mode      string  `json:"mode"` // "in-process" or "plugin"
	N         int     `json:"n"`    // environment copies or minibatch size
	PerSecond float64 `json:"per_second"`
	Unit      string  `json:"unit"`
	Seconds   float64 `json:"seconds"`
	// Slowdown is, for a distillation run through plugins, its time over
	// the same run's time in process (the aim is 1.5 at most): with
	// --repeat, the median over the pairs, whose own ratios are Slowdowns.
	Slowdown  float64   `json:"slowdown_vs_in_process,omitempty"`
	Slowdowns []float64 `json:"slowdowns,omitempty"`
	// Runs is how many runs Seconds is the median of (distillation runs).
	Runs int `json:"runs,omitempty"`
}

func runBench(args []string, stdout io.Writer) error {
	fs := newFlags("bench", stdout)
	asJSON := fs.Bool("json", false, "print JSON instead of a table")
	envID := fs.String("env", "CartPole-v1", "environment to step")
	kinds := fs.String("student", "mlp,smgrnn", "student kinds to train, comma-separated")
	batch := fs.Int("batch", 64, "training minibatch size")
	dur := fs.Duration("duration", time.Second, "time spent on each measurement")
	distillRun := fs.Bool("distill", false, "also time one default distillation run (expert teacher) of --env per student kind, in process and out of process")
	distillSteps := fs.Int("distill-steps", 0, "env steps of that run (0: the protocol's default budget)")
	repeat := fs.Int("repeat", 5, "distillation runs of each mode, in and out of process by turns; times and the slowdown are medians")
	plugins := addPluginFlag(fs)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 0 {
		return badInput("bench takes no positional arguments")
	}
	if *dur <= 0 || *batch <= 0 || *distillSteps < 0 || *repeat <= 0 {
		return badInput("--duration, --batch and --repeat must be positive, --distill-steps not negative")
	}
	src, err := openEnvSource(*plugins)
	if err != nil {
		return err
	}
	defer src.Close()
	fromPlugin, err := src.provider(*envID)
	if err != nil {
		return err
	}
	if fromPlugin != nil {
		// A plugin's environment: its stepping through the plugin is
		// what there is to time.
		if *distillRun {
			return badInput("--distill times built-in environments only; %s comes from a plugin", *envID)
		}
		var results []benchResult
		for _, n := range []int{1, 16, 64} {
			r, err := benchEnv(fromPlugin, *envID, n, *dur)
			if err != nil {
				return fmt.Errorf("bench %s plugin N=%d: %w", *envID, n, err)
			}
			r.Mode = "plugin"
			results = append(results, r)
		}
		return printBench(stdout, results, *asJSON)
	}
	students := strings.Split(*kinds, ",")
	for _, kind := range students {
		if !slices.Contains(framework.StudentKinds(), kind) {
			return badInput("--student: unknown student kind %q (known: %s)", kind, strings.Join(framework.StudentKinds(), ", "))
		}
	}
	logger := hclog.New(&hclog.LoggerOptions{Name: "arena", Output: os.Stderr, Level: hclog.Warn})
	h := host.New(logger, host.Options{})
	defer h.Close()
	var results []benchResult
	for _, mode := range []string{"in-process", "plugin"} {
		p := h.Builtin(mode == "in-process")
		for _, n := range []int{1, 64} {
			r, err := benchEnv(p, *envID, n, *dur)
			if err != nil {
				return fmt.Errorf("bench %s %s N=%d: %w", *envID, mode, n, err)
			}
			r.Mode = mode
			results = append(results, r)
		}
	}
	for _, kind := range students {
		for _, mode := range []string{"in-process", "plugin"} {
			r, err := benchTrain(h.Builtin(mode == "in-process"), *envID, kind, *batch, *dur)
			if err != nil {
				return fmt.Errorf("bench %s student training %s: %w", kind, mode, err)
			}
			r.Mode = mode
			results = append(results, r)
		}
	}
	for _, kind := range students {
		if !*distillRun {
			break
		}
		in, out, err := benchDistillPairs(logger, *envID, kind, *distillSteps, *repeat)
		if err != nil {
			return err
		}
		results = append(results, in, out)
	}
	return printBench(stdout, results, *asJSON)
}

// printBench prints bench's results as a table or as JSON.
func printBench(stdout io.Writer, results []benchResult, asJSON bool) error {
	if asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(results)
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	// The comparison column appears only when some row has a number.
	compared := slices.ContainsFunc(results, func(r benchResult) bool { return r.Slowdown > 0 })
	if compared {
		fmt.Fprintln(tw, "what\tmode\tN\trate\tunit\ttime\tvs in-process\t")
	} else {
		fmt.Fprintln(tw, "what\tmode\tN\trate\tunit\ttime\t")
	}
	for _, r := range results {
		if !compared {
			fmt.Fprintf(tw, "%s\t%s\t%d\t%.0f\t%s\t%.2fs\t\n", r.What, r.Mode, r.N, r.PerSecond, r.Unit, r.Seconds)
			continue
		}
		slow := ""
		if r.Slowdown > 0 {
			slow = fmt.Sprintf("%.2f×", r.Slowdown)
		}
		if len(r.Slowdowns) > 1 {
			slow += fmt.Sprintf(" (median of %d, %.2f–%.2f)", len(r.Slowdowns), slices.Min(r.Slowdowns), slices.Max(r.Slowdowns))
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%.0f\t%s\t%.2fs\t%s\t\n", r.What, r.Mode, r.N, r.PerSecond, r.Unit, r.Seconds, slow)
	}
	return tw.Flush()
}

// benchEnv steps n copies with random actions for about d.
func benchEnv(p host.Provider, id string, n int, d time.Duration) (benchResult, error) {
	vec, err := p.MakeVectorEnv(id, n)
	if err != nil {
		return benchResult{}, err
	}
	defer vec.Close()
	act := vec.Spec().ActionSpace
	rng := rand.New(rand.NewPCG(1, 2))
	// A few fixed action batches: drawing actions is not what is measured.
	batches := make([][]float64, 16)
	for i := range batches {
		batches[i] = make([]float64, n*act.Dim())
		for j := range n {
			act.Sample(rng, batches[i][j*act.Dim():(j+1)*act.Dim()])
		}
	}
	if _, err := vec.Reset(framework.Seed(0)); err != nil {
		return benchResult{}, err
	}
	steps := 0
	start := time.Now()
	for i := 0; ; i++ {
		if _, err := vec.Step(batches[i%len(batches)]); err != nil {
			return benchResult{}, err
		}
		steps += n
		if i%16 == 15 && time.Since(start) >= d {
			break
		}
	}
	s := time.Since(start).Seconds()
	return benchResult{What: "env steps " + id, N: n, PerSecond: float64(steps) / s, Unit: "steps/s", Seconds: s}, nil
}

// benchTrain trains a student on fixed minibatches of observations from
// the environment with random action labels for about d.
func benchTrain(p host.Provider, id, kind string, batch int, d time.Duration) (benchResult, error) {
	vec, err := p.MakeVectorEnv(id, batch)
	if err != nil {
		return benchResult{}, err
	}
	defer vec.Close()
	spec := vec.Spec()
	obs, err := vec.Reset(framework.Seed(0))
	if err != nil {
		return benchResult{}, err
	}
	obs = append([]float64(nil), obs...)
	student, err := p.MakeStudent(kind, framework.StudentConfig{ObservationSpace: spec.ObservationSpace,
		ActionSpace: spec.ActionSpace, Seed: 1, Adam: framework.DefaultAdam(), Params: framework.Params{}})
	if err != nil {
		return benchResult{}, err
	}
	if c, ok := student.(io.Closer); ok {
		defer c.Close()
	}
	k := spec.ActionSpace.Dim()
	labels := make([]float64, batch*k)
	rng := rand.New(rand.NewPCG(3, 4))
	for j := range batch {
		spec.ActionSpace.Sample(rng, labels[j*k:(j+1)*k])
	}
	b := framework.Batch{Obs: obs, N: batch, Labels: framework.Labels{Actions: labels}}
	samples := 0
	start := time.Now()
	for i := 0; ; i++ {
		if _, err := student.Train(b); err != nil {
			return benchResult{}, err
		}
		samples += batch
		if i%8 == 7 && time.Since(start) >= d {
			break
		}
	}
	s := time.Since(start).Seconds()
	return benchResult{What: "train " + kind + " on " + id, N: batch, PerSecond: float64(samples) / s, Unit: "samples/s", Seconds: s}, nil
}

// benchDistillPairs times repeat pairs of distillation runs, each pair in
// process and then out of process, so that a machine whose speed drifts
// affects both sides of a pair alike, and reports the median times and
// the median of the pairs' slowdowns.
func benchDistillPairs(logger hclog.Logger, envID, kind string, steps, repeat int) (in, out benchResult, err error) {
	var ins, outs, ratios []float64
	for range repeat {
		for _, inProcess := range []bool{true, false} {
			r, err := benchDistill(logger, envID, kind, steps, inProcess)
			if err != nil {
				return in, out, fmt.Errorf("bench distillation run of %s (in process: %v): %w", kind, inProcess, err)
			}
			if inProcess {
				in, ins = r, append(ins, r.Seconds)
			} else {
				out, outs = r, append(outs, r.Seconds)
				ratios = append(ratios, r.Seconds/ins[len(ins)-1])
			}
		}
	}
	// The last run's rate times its time is the budget, the same for all.
	in.PerSecond *= in.Seconds / median(ins)
	out.PerSecond *= out.Seconds / median(outs)
	in.Seconds, out.Seconds = median(ins), median(outs)
	in.Runs, out.Runs = repeat, repeat
	out.Slowdown = median(ratios)
	if repeat > 1 {
		out.Slowdowns = ratios
	}
	return in, out, nil
}

// median returns the median of xs (not empty), leaving xs alone.
func median(xs []float64) float64 {
	s := slices.Sorted(slices.Values(xs))
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// benchDistill times one whole distillation run of the match runner: env
// with the expert teacher, one student of kind, one seed, the protocol's
// defaults.
//
// Each run gets a plugin host of its own, which the time includes from
// its first process start: no process of an earlier measurement is
// reused, so every component's start counts.
func benchDistill(logger hclog.Logger, envID, kind string, steps int, inProcess bool) (benchResult, error) {
	budget := ""
	if steps > 0 {
		budget = fmt.Sprintf("[budget]\nenv_steps = %d\n", steps)
	}
	text := fmt.Sprintf("name = \"bench\"\nseeds = 1\nbaseline = \"s\"\nparallel = 1\nin_process = %v\n%s"+
		"[[env]]\nid = %q\nteacher = \"expert\"\n[[student]]\nname = \"s\"\nkind = %q\n", inProcess, budget, envID, kind)
	m, err := match.Parse(text, "bench")
	if err != nil {
		return benchResult{}, err
	}
	if err := m.Check(); err != nil {
		return benchResult{}, err
	}
	dir, err := os.MkdirTemp("", "arena-bench")
	if err != nil {
		return benchResult{}, err
	}
	defer os.RemoveAll(dir)
	// On SIGINT the bench's main host ends this one's processes too
	// (go-plugin's CleanupClients ends every managed client).
	h := host.New(logger, host.Options{NoSignalHandler: true})
	defer h.Close()
	start := time.Now()
	r, err := h.Resolver(m)
	if err != nil {
		return benchResult{}, err
	}
	sum, err := match.Run(context.Background(), m, match.Options{OutDir: dir, Resolver: r, Parallel: 1})
	if err != nil {
		return benchResult{}, err
	}
	if len(sum.Failed) > 0 {
		return benchResult{}, fmt.Errorf("the run failed: %s", sum.Failed[0])
	}
	s := time.Since(start).Seconds()
	mode := "plugin"
	if inProcess {
		mode = "in-process"
	}
	return benchResult{What: "distillation run " + envID + " " + kind, Mode: mode, N: 1,
		PerSecond: float64(m.Protocol.EnvSteps) / s, Unit: "env steps/s", Seconds: s}, nil
}
