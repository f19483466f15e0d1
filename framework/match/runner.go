package match

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/smgrnn/arena/framework"
	"github.com/smgrnn/arena/framework/distill"
)

// RunSpec is one run of a match: a student distilled on an env for a seed.
type RunSpec struct {
	ID      string
	Env     EnvEntry
	Student StudentEntry
	Seed    uint64
}

// Runs lists every run of the match in a fixed order: env, then student,
// then seed, as the match file lists them.
func (m *Match) Runs() []RunSpec {
	var out []RunSpec
	for _, e := range m.Envs {
		for _, s := range m.Students {
			for _, seed := range m.Seeds {
				out = append(out, RunSpec{ID: RunID(e.ID, s.Name, seed), Env: e, Student: s, Seed: seed})
			}
		}
	}
	return out
}

// Shard returns the runs of shard i of n (0 <= i < n): every n-th run
// starting at the i-th, so shards are balanced across envs and students.
func Shard(runs []RunSpec, i, n int) []RunSpec {
	var out []RunSpec
	for k, r := range runs {
		if k%n == i {
			out = append(out, r)
		}
	}
	return out
}

// Digest identifies the match's settings (not where or how parallel it
// runs), so a resumed or merged folder never mixes different matches.
func (m *Match) Digest() string {
	// Where the match came from and how it runs (parallelism, in or out
	// of process, which gives bit-identical results) are not its settings.
	c := *m
	c.Parallel = 0
	c.Source = ""
	c.InProcess = false
	c.Envs = append([]EnvEntry(nil), m.Envs...)
	for i := range c.Envs {
		c.Envs[i].InProcess = nil
	}
	c.Students = append([]StudentEntry(nil), m.Students...)
	for i := range c.Students {
		c.Students[i].InProcess = nil
	}
	data, _ := json.Marshal(c)
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:8])
}

// Events is what a running match reports to its display.
type Events interface {
	// Started says a run began.
	Started(spec RunSpec)
	// Progress reports a run's state after a round or an evaluation.
	Progress(spec RunSpec, p Progress)
	// Finished says a run ended and its record is on disk.
	Finished(spec RunSpec, rec *RunRecord)
}

// Progress is a run's state while it trains.
type Progress struct {
	EnvSteps   int
	Budget     int
	ReturnMean float64 // latest evaluation; NaN before the first
	EvalSteps  int     // env steps of the latest evaluation; -1 before the first
	Size       framework.Size
}

// Options say where and how a match runs.
type Options struct {
	// OutDir is the output folder; runs go to OutDir/runs.
	OutDir string
	// Shard and Shards select shard Shard of Shards (Shards 0: all runs).
	Shard, Shards int
	// Parallel overrides the match's worker count when positive.
	Parallel int
	// Resolver makes the components (default: InProcess).
	Resolver Resolver
	// Events receives progress (may be nil).
	Events Events
}

// Summary counts what a call to Run did.
type Summary struct {
	Total       int      // runs in this shard
	Skipped     int      // already finished in the folder
	Finished    int      // finished now, successfully
	Failed      []string // finished now with an error: "id: error"
	Interrupted int      // not run because the context ended
}

// Run runs the match's runs that the folder does not already hold, with a
// worker pool, writing each record as soon as it ends. It returns when
// every run ended or ctx was cancelled (then the runs under way stop and
// are not written, so a later resume reruns them).
func Run(ctx context.Context, m *Match, opts Options) (Summary, error) {
	if opts.Resolver == nil {
		opts.Resolver = InProcess{}
	}
	runsDir := filepath.Join(opts.OutDir, "runs")
	if err := os.MkdirAll(runsDir, 0o755); err != nil {
		return Summary{}, fmt.Errorf("creating output folder: %w", err)
	}
	unlock, err := LockDir(opts.OutDir)
	if err != nil {
		return Summary{}, err
	}
	defer unlock()
	if err := WriteFileAtomic(filepath.Join(opts.OutDir, "match.toml"), []byte(m.text)); err != nil {
		return Summary{}, fmt.Errorf("saving the match file: %w", err)
	}
	if dir, err := filepath.Abs(m.Dir); err == nil {
		if err := WriteJSONAtomic(filepath.Join(opts.OutDir, originFile), map[string]string{"dir": dir}); err != nil {
			return Summary{}, fmt.Errorf("saving the match file's origin: %w", err)
		}
	}
	if err := writeShard(opts.OutDir, opts.Shard, opts.Shards); err != nil {
		return Summary{}, fmt.Errorf("saving the shard: %w", err)
	}
	specs := m.Runs()
	if opts.Shards > 0 {
		specs = Shard(specs, opts.Shard, opts.Shards)
	}
	done, err := FinishedRuns(opts.OutDir, m)
	if err != nil {
		return Summary{}, err
	}
	sum := Summary{Total: len(specs)}
	var todo []RunSpec
	for _, s := range specs {
		if done[s.ID] {
			sum.Skipped++
		} else {
			todo = append(todo, s)
		}
	}
	workers := m.Parallel
	if opts.Parallel > 0 {
		workers = opts.Parallel
	}
	workers = max(1, min(workers, len(todo)))

	baselines := &baselineCache{m: m, resolver: opts.Resolver, byEnv: map[string]*baseline{}}
	var (
		mu    sync.Mutex
		wg    sync.WaitGroup
		queue = make(chan RunSpec)
	)
	// A teacher's baseline depends on neither the student nor the seed, so
	// it is measured in the background from the start: a run's final
	// evaluation then rarely waits for it, and with fewer runs than cores
	// it takes a core that would idle. Its outcome is cached as before,
	// errors included, so the runs see the same numbers or the same error.
	wg.Add(1)
	go func() {
		defer wg.Done()
		seen := map[string]bool{}
		for _, s := range todo {
			if ctx.Err() != nil {
				return
			}
			if !seen[s.Env.ID] {
				seen[s.Env.ID] = true
				baselines.get(s.Env)
			}
		}
	}()
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for spec := range queue {
				if ctx.Err() != nil {
					mu.Lock()
					sum.Interrupted++
					mu.Unlock()
					continue
				}
				if opts.Events != nil {
					opts.Events.Started(spec)
				}
				rec := execute(ctx, m, spec, opts, baselines)
				if rec.Status != StatusOK && ctx.Err() != nil {
					// Stopped by the user: not a result.
					mu.Lock()
					sum.Interrupted++
					mu.Unlock()
					continue
				}
				werr := writeRecord(runsDir, rec)
				if werr != nil {
					// Not finished: the display and the summary must say
					// so, and a resume runs it again.
					rec.Status = StatusFailed
					rec.Error = "writing its record: " + framework.OneLine(werr.Error())
				}
				mu.Lock()
				switch {
				case rec.Status == StatusOK:
					sum.Finished++
				default:
					sum.Failed = append(sum.Failed, spec.ID+": "+rec.Error)
				}
				mu.Unlock()
				if opts.Events != nil {
					opts.Events.Finished(spec, rec)
				}
			}
		}()
	}
	for _, s := range todo {
		queue <- s
	}
	close(queue)
	wg.Wait()
	if ctx.Err() != nil {
		return sum, ctx.Err()
	}
	return sum, nil
}

// FinishedRuns lists the IDs of the folder's successful records of the
// match (none when the folder does not exist). Failed runs are not
// finished: a resume runs them again. A record of another match, or one
// that does not fit its run (CheckRecords), is an error.
func FinishedRuns(dir string, m *Match) (map[string]bool, error) {
	digest := m.Digest()
	recs, err := ReadRuns(dir)
	if err != nil {
		return nil, err
	}
	done := map[string]bool{}
	specs := m.specsByID()
	for _, r := range recs {
		if err := m.checkRecord(r, digest, specs); err != nil {
			return nil, fmt.Errorf("folder %s: %w", dir, err)
		}
		if r.Status == StatusOK {
			done[r.ID] = true
		}
	}
	return done, nil
}

// writeRecord writes a run's record into the runs folder.
func writeRecord(runsDir string, rec *RunRecord) error {
	path, err := PathIn(runsDir, rec.ID+".json")
	if err != nil {
		return err
	}
	return WriteJSONAtomic(path, rec)
}

// CheckRecords checks that records read from dir belong to the match:
// each carries the match's digest, names one of its runs with that run's
// env, student and seed, and, when successful, has a final evaluation.
// Merging records that fail this would put another match's numbers, or
// none, into the tables.
func (m *Match) CheckRecords(dir string, recs []RunRecord) error {
	digest, specs := m.Digest(), m.specsByID()
	for _, r := range recs {
		if err := m.checkRecord(r, digest, specs); err != nil {
			return fmt.Errorf("folder %s: %w", dir, err)
		}
	}
	return nil
}

func (m *Match) specsByID() map[string]RunSpec {
	specs := map[string]RunSpec{}
	for _, s := range m.Runs() {
		specs[s.ID] = s
	}
	return specs
}

func (m *Match) checkRecord(r RunRecord, digest string, specs map[string]RunSpec) error {
	if r.MatchDigest != digest {
		return fmt.Errorf("holds run %s of another match (digest %q, this match %s)", r.ID, r.MatchDigest, digest)
	}
	s, ok := specs[r.ID]
	if !ok {
		return fmt.Errorf("holds run %s, which is not a run of match %q", r.ID, m.Name)
	}
	if r.Env != s.Env.ID || r.Student != s.Student.Name || r.Seed != s.Seed {
		return fmt.Errorf("run record %s says env %q, student %q, seed %d; its run has %q, %q, %d",
			r.ID, r.Env, r.Student, r.Seed, s.Env.ID, s.Student.Name, s.Seed)
	}
	if r.Status == StatusOK && (len(r.FinalReturns) == 0 || math.IsNaN(float64(r.FinalReturnMean))) {
		return fmt.Errorf("run record %s is marked ok but has no final evaluation", r.ID)
	}
	return nil
}

// execute runs one spec and returns its record; errors, a panic among
// them, are recorded in it: one run's bug fails that run, not the match.
func execute(ctx context.Context, m *Match, spec RunSpec, opts Options, baselines *baselineCache) *RunRecord {
	start := time.Now()
	rec := &RunRecord{
		ID: spec.ID, Env: spec.Env.ID, Student: spec.Student.Name, Kind: spec.Student.Kind,
		Seed: spec.Seed, MatchDigest: m.Digest(),
	}
	err := framework.Recovered(func() error { return distillRun(ctx, m, spec, opts, baselines, rec) })
	rec.WallSeconds = time.Since(start).Seconds()
	if err != nil {
		rec.Status = StatusFailed
		rec.Error = framework.OneLine(err.Error())
		if errors.Is(err, context.Canceled) {
			rec.Error = "interrupted"
		}
		return rec
	}
	rec.Status = StatusOK
	return rec
}

// baselineCache measures each env's teacher on the final evaluation seeds
// once per match: the measurement depends on neither the student nor the
// run's seed, and for planning teachers it costs as much as the rest of a
// run.
type baselineCache struct {
	m        *Match
	resolver Resolver
	mu       sync.Mutex
	byEnv    map[string]*baseline
}

type baseline struct {
	once sync.Once
	ev   distill.Evaluation
	err  error
}

// get returns the teacher's baseline on env e, measuring it on first use.
func (c *baselineCache) get(e EnvEntry) (distill.Evaluation, error) {
	c.mu.Lock()
	b := c.byEnv[e.ID]
	if b == nil {
		b = &baseline{}
		c.byEnv[e.ID] = b
	}
	c.mu.Unlock()
	b.once.Do(func() {
		comps, err := c.resolver.ForEnv(e)
		if err != nil {
			b.err = err
			return
		}
		maker := func(n int) (framework.VectorEnv, error) { return comps.MakeVectorEnv(e.ID, n) }
		probe, err := maker(1)
		if err != nil {
			b.err = err
			return
		}
		spec := probe.Spec()
		probe.Close()
		teacher, err := comps.MakeTeacher(e.Teacher, spec)
		if err != nil {
			b.err = err
			return
		}
		defer closeIfCloser(teacher)
		b.ev, b.err = distill.EvaluateTeacher(maker, teacher, c.m.Protocol)
	})
	return b.ev, b.err
}
