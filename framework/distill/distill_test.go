package distill

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/smgrnn/arena/framework"
	"github.com/smgrnn/arena/framework/rollout"
)

// smallConfig is a fast protocol for the toy env.
func smallConfig() Config {
	c := DefaultConfig()
	c.Envs = 4
	c.RoundSteps = 200
	c.UpdatesPerRound = 20
	c.BatchSize = 32
	c.EnvSteps = 2000
	c.EvalEvery = 500
	c.EvalEpisodes = 8
	c.FinalEvalEpisodes = 20
	return c
}

// lineResult executes the plain line run of cfg and seed, with its Timing
// cleared for comparisons.
func lineResult(t *testing.T, cfg Config, seed uint64) *Result {
	t.Helper()
	run, _, _ := lineRun(cfg, seed)
	res, err := run.Execute(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	res.Timing = Timing{}
	return res
}

func lineRun(cfg Config, seed uint64) (Run, *lineTeacher, *linearStudent) {
	t := &lineTeacher{soft: true}
	s := newLinearStudent(seed)
	return Run{Env: lineEnvs(nil), Teacher: t, Student: s, Seed: seed, Config: cfg}, t, s
}

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		name   string
		change func(*Config)
		want   string // substring of the error; "" means valid
	}{
		{"default", func(*Config) {}, ""},
		{"teacher schedule", func(c *Config) { c.Schedule = ScheduleTeacher }, ""},
		{"decay 0", func(c *Config) { c.Decay = 0 }, ""},
		{"decay 1", func(c *Config) { c.Decay = 1 }, ""},
		{"zero envs", func(c *Config) { c.Envs = 0 }, "envs must be a positive integer, got 0"},
		{"too many envs", func(c *Config) { c.Envs = 1 << 20 }, "envs must be at most"},
		{"negative buffer", func(c *Config) { c.BufferSize = -1 }, "buffer_size must be a positive integer, got -1"},
		{"huge buffer", func(c *Config) { c.BufferSize = 9e18 }, "buffer_size must be at most 10000000, got 9000000000000000000"},
		{"largest buffer", func(c *Config) { c.BufferSize = 10_000_000 }, ""},
		{"huge batch", func(c *Config) { c.BatchSize = 4e12 }, "batch_size must be at most"},
		{"huge round", func(c *Config) { c.RoundSteps = 1e9 }, "round_steps must be at most"},
		{"huge updates", func(c *Config) { c.UpdatesPerRound = 1e9 }, "updates_per_round must be at most"},
		{"huge budget", func(c *Config) { c.EnvSteps = math.MaxInt }, "env_steps must be at most"},
		{"eval every beyond any budget", func(c *Config) { c.EvalEvery = math.MaxInt }, ""},
		{"huge eval episodes", func(c *Config) { c.EvalEpisodes = 9e18 }, "eval_episodes must be at most"},
		{"largest eval episodes", func(c *Config) { c.EvalEpisodes = 1_000_000 }, ""},
		{"huge final episodes", func(c *Config) { c.FinalEvalEpisodes = 1e7 }, "final_eval_episodes must be at most"},
		{"zero round", func(c *Config) { c.RoundSteps = 0 }, "round_steps"},
		{"zero updates", func(c *Config) { c.UpdatesPerRound = 0 }, "updates_per_round"},
		{"zero batch", func(c *Config) { c.BatchSize = 0 }, "batch_size"},
		{"zero budget", func(c *Config) { c.EnvSteps = 0 }, "env_steps"},
		{"zero eval every", func(c *Config) { c.EvalEvery = 0 }, "eval_every"},
		{"zero eval episodes", func(c *Config) { c.EvalEpisodes = 0 }, "eval_episodes"},
		{"zero final episodes", func(c *Config) { c.FinalEvalEpisodes = 0 }, "final_eval_episodes"},
		{"unknown schedule", func(c *Config) { c.Schedule = "dager" }, `schedule must be one of "teacher", "dagger", "student", got "dager"`},
		{"empty schedule", func(c *Config) { c.Schedule = "" }, "schedule"},
		{"decay above 1", func(c *Config) { c.Decay = 1.5 }, "decay must lie in [0, 1], got 1.5"},
		{"negative decay", func(c *Config) { c.Decay = -0.1 }, "decay"},
		{"NaN decay", func(c *Config) { c.Decay = math.NaN() }, "decay"},
		{"eval seed at the base", func(c *Config) { c.EvalSeed = EvalSeedBase }, ""},
		{"fresh eval seed", func(c *Config) { c.EvalSeed = 2 * EvalSeedBase }, ""},
		{"eval seed among training seeds", func(c *Config) { c.EvalSeed = EvalSeedBase - 1 }, "eval_seed must lie in [1000000000, "},
		{"eval seed beyond TOML", func(c *Config) { c.EvalSeed = math.MaxInt64 }, "eval_seed"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := DefaultConfig()
			tc.change(&c)
			err := c.Validate()
			if tc.want == "" {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Validate() = %v, want an error containing %q", err, tc.want)
			}
		})
	}
}

func TestDefaultConfig(t *testing.T) {
	want := Config{Envs: 8, Schedule: "dagger", Decay: 0.5, BufferSize: 200000, RoundSteps: 2000,
		UpdatesPerRound: 200, BatchSize: 256, EnvSteps: 50000, EvalEvery: 5000, EvalEpisodes: 20, FinalEvalEpisodes: 100}
	if got := DefaultConfig(); got != want {
		t.Fatalf("DefaultConfig() = %+v, want %+v", got, want)
	}
}

func TestBeta(t *testing.T) {
	tests := []struct {
		schedule string
		decay    float64
		want     []float64 // β of rounds 0, 1, 2, 3
	}{
		{ScheduleTeacher, 0.5, []float64{1, 1, 1, 1}},
		{ScheduleDAgger, 0.5, []float64{1, 0.5, 0.25, 0.125}},
		{ScheduleDAgger, 0.9, []float64{1, 0.9, 0.81, 0.9 * 0.9 * 0.9}},
		{ScheduleDAgger, 0, []float64{1, 0, 0, 0}},
		{ScheduleDAgger, 1, []float64{1, 1, 1, 1}},
		{ScheduleStudent, 0.5, []float64{1, 0, 0, 0}},
	}
	for _, tc := range tests {
		c := Config{Schedule: tc.schedule, Decay: tc.decay}
		for r, want := range tc.want {
			if got := c.Beta(r); math.Abs(got-want) > 1e-15 {
				t.Errorf("%s decay %v: Beta(%d) = %v, want %v", tc.schedule, tc.decay, r, got, want)
			}
		}
	}
}

func TestBufferKeepsTheNewestInOrder(t *testing.T) {
	b := newBuffer(3, 1, 1, 2, false)
	obs := []float64{10, 11, 12, 13, 14}
	l := framework.Labels{Actions: []float64{0, 1, 0, 1, 0}, Probs: []float64{1, 0, 0, 1, 1, 0, 0, 1, 1, 0}}
	if err := b.checkLabels(&l, 5); err != nil {
		t.Fatal(err)
	}
	b.add(obs, &l, 0, 2) // 10, 11
	if b.n != 2 || b.row(b.slot(0))[0] != 10 || b.row(b.slot(1))[0] != 11 {
		t.Fatalf("after 2 adds: n=%d oldest=%v", b.n, b.row(b.slot(0))[0])
	}
	b.add(obs, &l, 2, 5) // 12, 13, 14: 10 and 11 drop out
	if b.n != 3 {
		t.Fatalf("n = %d, want the capacity 3", b.n)
	}
	for k, want := range []float64{12, 13, 14} {
		r := b.row(b.slot(k))
		i := int(want) - 10
		if r[0] != want || r[1] != l.Actions[i] || r[3] != l.Probs[2*i+1] {
			t.Errorf("k-th oldest %d: row %v, want obs %v act %v p1 %v", k, r, want, l.Actions[i], l.Probs[2*i+1])
		}
	}
	// Draws come only from the held samples, each of them, with its labels.
	bt := b.newBatch(300)
	b.sample(rand.New(rand.NewPCG(1, 2)), &bt)
	seen := map[float64]int{}
	for k := 0; k < bt.N; k++ {
		x := bt.Obs[k]
		i := int(x) - 10
		if x < 12 || x > 14 || bt.Labels.Actions[k] != l.Actions[i] || bt.Labels.Probs[2*k] != l.Probs[2*i] {
			t.Fatalf("draw %d: obs %v act %v, not a held sample", k, x, bt.Labels.Actions[k])
		}
		seen[x]++
	}
	for _, x := range []float64{12, 13, 14} {
		if seen[x] < 70 { // expected 100 of 300
			t.Errorf("sample %v drawn %d times of 300: not uniform", x, seen[x])
		}
	}
}

func TestBufferRejectsInconsistentLabels(t *testing.T) {
	tests := []struct {
		name     string
		probDim  int
		gaussian bool
		l        framework.Labels
		want     string
	}{
		{"short actions", 0, false, framework.Labels{Actions: []float64{1}}, "action values"},
		{"probs appear", 0, false, framework.Labels{Actions: []float64{1, 0}, Probs: []float64{0, 1, 1, 0}}, "probabilities after"},
		{"probs vanish", 2, false, framework.Labels{Actions: []float64{1, 0}}, "probability values"},
		{"gaussian vanishes", 0, true, framework.Labels{Actions: []float64{1, 0}}, "mean and"},
		{"gaussian appears", 0, false, framework.Labels{Actions: []float64{1, 0}, Mean: []float64{1, 0}, Std: []float64{1, 1}}, "mean and std after"},
	}
	for _, tc := range tests {
		b := newBuffer(4, 1, 1, tc.probDim, tc.gaussian)
		err := b.checkLabels(&tc.l, 2)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: checkLabels = %v, want an error containing %q", tc.name, err, tc.want)
		}
	}
}

func TestBudgetRoundsAndBuffer(t *testing.T) {
	tests := []struct {
		name                               string
		envs, round, budget, buffer, updts int
	}{
		{"multiples", 4, 200, 2000, 100000, 5},
		{"budget inside a vector step", 3, 200, 1000, 100000, 5},
		{"round inside a vector step", 8, 30, 500, 100000, 3},
		{"last round short", 4, 300, 1000, 100000, 2},
		{"one copy", 1, 50, 170, 100000, 1},
		{"buffer smaller than budget", 4, 100, 1000, 250, 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := smallConfig()
			cfg.Envs, cfg.RoundSteps, cfg.EnvSteps, cfg.BufferSize, cfg.UpdatesPerRound = tc.envs, tc.round, tc.budget, tc.buffer, tc.updts
			var logs []*resetLog
			run, teacher, student := lineRun(cfg, 3)
			run.Env = lineEnvs(&logs)
			res, err := run.Execute(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			rounds := (tc.budget + tc.round - 1) / tc.round
			if len(res.Rounds) != rounds {
				t.Fatalf("%d rounds, want %d", len(res.Rounds), rounds)
			}
			for i, rd := range res.Rounds {
				want := min((i+1)*tc.round, tc.budget)
				if rd.EnvSteps != want || rd.BufferSize != min(want, tc.buffer) {
					t.Errorf("round %d ends at %d steps with %d buffered, want %d and %d", i, rd.EnvSteps, rd.BufferSize, want, min(want, tc.buffer))
				}
			}
			if res.EnvSteps != tc.budget || res.Updates != rounds*tc.updts || student.trains != res.Updates {
				t.Errorf("env steps %d, updates %d (Train called %d times), want %d and %d", res.EnvSteps, res.Updates, student.trains, tc.budget, rounds*tc.updts)
			}
			// The training copies step exactly as often as needed to take
			// the budget: whole vector steps, the last one possibly partly
			// used. The teacher labels every visited state once, some of
			// them together (see pending).
			vsteps := (tc.budget + tc.envs - 1) / tc.envs
			train, _ := trainingLog(logs, tc.envs)
			if train == nil {
				t.Fatal("no vector env was reset with training seeds")
			}
			if train.steps != vsteps*tc.envs || teacher.rows != vsteps*tc.envs || teacher.labels > vsteps {
				t.Errorf("training env stepped %d times, %d states labelled in %d calls; want %d, %d, at most %d calls",
					train.steps, teacher.rows, teacher.labels, vsteps*tc.envs, vsteps*tc.envs, vsteps)
			}
		})
	}
}

func TestEvaluationPoints(t *testing.T) {
	tests := []struct {
		name                   string
		round, every, budget   int
		wantSteps, wantUpdates []int // updates counted in rounds of U
	}{
		{"mid-round points", 30, 25, 100, []int{0, 25, 50, 75, 100}, []int{0, 0, 1, 2, 4}},
		{"points on round ends", 30, 30, 100, []int{0, 30, 60, 90, 100}, []int{0, 1, 2, 3, 4}},
		{"budget a multiple", 20, 40, 120, []int{0, 40, 80, 120}, []int{0, 2, 4, 6}},
		{"every beyond budget", 30, 500, 100, []int{0, 100}, []int{0, 4}},
		{"every the largest int", 30, math.MaxInt, 100, []int{0, 100}, []int{0, 4}},
		{"every 1", 2, 1, 4, []int{0, 1, 2, 3, 4}, []int{0, 0, 1, 1, 2}},
	}
	const U = 3
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := smallConfig()
			cfg.Envs, cfg.RoundSteps, cfg.EvalEvery, cfg.EnvSteps, cfg.UpdatesPerRound = 4, tc.round, tc.every, tc.budget, U
			run, _, _ := lineRun(cfg, 1)
			var evals, rounds int
			run.Progress = func(p Progress) {
				if p.Eval != nil {
					evals++
				}
				if p.Round != nil {
					rounds++
				}
				if p.Budget != tc.budget || (p.Eval == nil) == (p.Round == nil) {
					t.Errorf("progress %+v", p)
				}
				// What the callback gets are copies: scribbling on them
				// must not reach the result.
				if p.Eval != nil {
					p.Eval.ReturnMean = -1
				} else {
					p.Round.Loss = -1
				}
			}
			res, err := run.Execute(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			var steps, updates []int
			for _, p := range res.Curve {
				steps = append(steps, p.EnvSteps)
				updates = append(updates, p.Updates/U)
				if p.Size != (framework.Size{Params: 2, Edges: 1}) {
					t.Errorf("point at %d: size %+v", p.EnvSteps, p.Size)
				}
			}
			if !reflect.DeepEqual(steps, tc.wantSteps) || !reflect.DeepEqual(updates, tc.wantUpdates) {
				t.Errorf("points at %v steps after %v rounds' updates, want %v and %v", steps, updates, tc.wantSteps, tc.wantUpdates)
			}
			for _, p := range res.Curve {
				if p.ReturnMean < 0 {
					t.Errorf("the progress callback altered the point at %d steps", p.EnvSteps)
				}
			}
			for _, rd := range res.Rounds {
				if rd.Loss < 0 {
					t.Errorf("the progress callback altered round %d", rd.Index)
				}
			}
			if evals != len(res.Curve) || rounds != len(res.Rounds) {
				t.Errorf("progress reported %d evaluations and %d rounds, want %d and %d", evals, rounds, len(res.Curve), len(res.Rounds))
			}
			// The last point is the first EvalEpisodes of the final
			// evaluation.
			last := res.Curve[len(res.Curve)-1]
			want := res.Final.Returns[:cfg.EvalEpisodes]
			if last.ReturnMean != mean(want) {
				t.Errorf("last point %v, first final episodes average %v", last.ReturnMean, mean(want))
			}
		})
	}
}

func mean(xs []float64) float64 {
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}

func TestScheduleDecidesWhoActs(t *testing.T) {
	tests := []struct {
		schedule string
		decay    float64
	}{
		{ScheduleTeacher, 0.5},
		{ScheduleDAgger, 0.5},
		{ScheduleDAgger, 0.8},
		{ScheduleStudent, 0.5},
	}
	for _, tc := range tests {
		cfg := smallConfig()
		cfg.Schedule, cfg.Decay, cfg.RoundSteps, cfg.EnvSteps = tc.schedule, tc.decay, 4000, 16000
		run, _, _ := lineRun(cfg, 5)
		res, err := run.Execute(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		for i, rd := range res.Rounds {
			beta := cfg.Beta(i)
			// A binomial share of 4000 draws: 5 standard deviations is
			// at most 0.04.
			if rd.Beta != beta || math.Abs(rd.TeacherFraction-beta) > 0.04 ||
				(beta == 1 || beta == 0) && rd.TeacherFraction != beta {
				t.Errorf("%s decay %v round %d: β %v, teacher acted on %v of the steps", tc.schedule, tc.decay, i, rd.Beta, rd.TeacherFraction)
			}
		}
	}
}

func TestSeedsAreHeldOut(t *testing.T) {
	for _, evalSeed := range []uint64{0, 3 * EvalSeedBase} {
		first := EvalSeedBase // the default
		if evalSeed != 0 {
			first = evalSeed
		}
		testSeedsAreHeldOut(t, evalSeed, first)
	}
}

func testSeedsAreHeldOut(t *testing.T, evalSeed, first uint64) {
	for _, seed := range []uint64{0, 1, 2, 1 << 63, math.MaxUint64} {
		cfg := smallConfig()
		cfg.EvalSeed = evalSeed
		var logs []*resetLog
		run, _, _ := lineRun(cfg, seed)
		run.Env = lineEnvs(&logs)
		res, err := run.Execute(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		trainLog, evalLog := trainingLog(logs, cfg.EvalCopies())
		if trainLog == nil || evalLog == nil {
			t.Fatalf("seed %d: no training or no evaluation vector among %d made", seed, len(logs))
		}
		train, eval := trainLog.seeds, evalLog.seeds
		if len(train) != cfg.Envs {
			t.Errorf("seed %d: training copies reset with seeds %d times, want once each", seed, len(train))
		}
		for i, s := range train {
			if s != res.Seeds.TrainReset+uint64(i) || s >= EvalSeedBase {
				t.Errorf("seed %d: training copy %d reset with %d", seed, i, s)
			}
		}
		for _, s := range eval {
			if s < first || s >= first+uint64(cfg.FinalEvalEpisodes)+uint64(cfg.EvalCopies()) {
				t.Errorf("eval_seed %d, seed %d: evaluation reset with %d, outside the held-out range", evalSeed, seed, s)
			}
		}
		if res.Final.Seed != first || res.Teacher.Seed != first || res.Random.Seed != first || res.Seeds.Eval != first {
			t.Errorf("eval_seed %d, seed %d: evaluations start at %d, %d, %d (recorded %d), want %d",
				evalSeed, seed, res.Final.Seed, res.Teacher.Seed, res.Random.Seed, res.Seeds.Eval, first)
		}
	}
}

func TestDistillsTheToyTeacher(t *testing.T) {
	for _, schedule := range Schedules {
		cfg := smallConfig()
		cfg.Schedule = schedule
		cfg.FinalEvalEpisodes = 50
		run, _, _ := lineRun(cfg, 11)
		res, err := run.Execute(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		// The teacher always survives the 50 steps; acting at random
		// falls off within a few.
		if res.Teacher.ReturnMean != lineMax || res.Random.ReturnMean > 15 {
			t.Fatalf("%s: teacher %v, random %v: the toy env is not what this test assumes", schedule, res.Teacher.ReturnMean, res.Random.ReturnMean)
		}
		if res.Final.ReturnMean < 0.95*lineMax || len(res.Final.Returns) != 50 || len(res.Final.Lengths) != 50 {
			t.Errorf("%s: student's final return %v over %d episodes, want ≥ %v over 50", schedule, res.Final.ReturnMean, len(res.Final.Returns), 0.95*lineMax)
		}
		if first, last := res.Rounds[0].Loss, res.Rounds[len(res.Rounds)-1].Loss; !(last < first) {
			t.Errorf("%s: loss went from %v to %v", schedule, first, last)
		}
	}
}

func TestSameSeedSameResult(t *testing.T) {
	cfg := smallConfig()
	cfg.EnvSteps = 3000
	exec := func(seed uint64, structural bool) *Result {
		run, _, s := lineRun(cfg, seed)
		if structural {
			run.Student = structuralStudent{s}
		}
		res, err := run.Execute(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		res.Timing = Timing{}
		return res
	}
	for _, structural := range []bool{false, true} {
		a, b := exec(42, structural), exec(42, structural)
		if !reflect.DeepEqual(a, b) {
			t.Fatalf("two runs of seed 42 differ:\n%+v\n%+v", a, b)
		}
		ja, _ := json.Marshal(a)
		jb, _ := json.Marshal(b)
		if string(ja) != string(jb) {
			t.Fatal("two runs of seed 42 marshal differently")
		}
		if structural != (a.Events != nil) {
			t.Errorf("structural %v: events %v", structural, a.Events)
		}
		c := exec(43, structural)
		if reflect.DeepEqual(a.Rounds, c.Rounds) || a.Seeds == c.Seeds {
			t.Fatal("seeds 42 and 43 gave the same rounds")
		}
	}
}

func TestResultJSON(t *testing.T) {
	run, _, s := lineRun(smallConfig(), 9)
	run.Student = structuralStudent{s}
	res, err := run.Execute(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	data, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	var back Result
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(&back, res) {
		t.Fatalf("JSON round trip changed the result:\n%s", data)
	}
	var fields map[string]any
	if err := json.Unmarshal(data, &fields); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"env", "config", "seeds", "env_steps", "updates", "rounds", "curve", "final", "teacher", "random", "size", "structural_events", "timing"} {
		if _, ok := fields[k]; !ok {
			t.Errorf("JSON has no %q", k)
		}
	}
	// A result written when the events' key was "structure_events" reads
	// back the same.
	old := strings.Replace(string(data), `"structural_events"`, `"structure_events"`, 1)
	var oldBack Result
	if err := json.Unmarshal([]byte(old), &oldBack); err != nil || !reflect.DeepEqual(&oldBack, res) {
		t.Errorf("a result with the old events key read back as %+v, %v", oldBack.Events, err)
	}
	point := fields["curve"].([]any)[0].(map[string]any)
	for _, k := range []string{"env_steps", "updates", "return_mean", "return_std", "params", "hidden_neurons", "edges"} {
		if _, ok := point[k]; !ok {
			t.Errorf("curve point has no %q: %v", k, point)
		}
	}
}

func TestCancellation(t *testing.T) {
	t.Run("before", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		run, _, _ := lineRun(smallConfig(), 1)
		if _, err := run.Execute(ctx); !errors.Is(err, context.Canceled) {
			t.Fatalf("Execute = %v, want context.Canceled", err)
		}
	})
	t.Run("after a round", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		run, _, s := lineRun(smallConfig(), 1)
		run.Progress = func(p Progress) {
			if p.Round != nil {
				cancel()
			}
		}
		if _, err := run.Execute(ctx); !errors.Is(err, context.Canceled) {
			t.Fatalf("Execute = %v, want context.Canceled", err)
		}
		if s.trains != smallConfig().UpdatesPerRound {
			t.Errorf("trained %d times after cancelling in round 0", s.trains)
		}
	})
	t.Run("inside training", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		run, _, s := lineRun(smallConfig(), 1)
		s.onTrain = func() {
			if s.trains == 3 {
				cancel()
			}
		}
		if _, err := run.Execute(ctx); !errors.Is(err, context.Canceled) {
			t.Fatalf("Execute = %v, want context.Canceled", err)
		}
		if s.trains > 3 {
			t.Errorf("trained %d times after cancelling at update 3", s.trains)
		}
	})
	t.Run("deadline on a long run", func(t *testing.T) {
		cfg := smallConfig()
		cfg.EnvSteps = 1 << 39
		cfg.BufferSize = 1000
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		run, _, _ := lineRun(cfg, 1)
		start := time.Now()
		_, err := run.Execute(ctx)
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("Execute = %v, want context.DeadlineExceeded", err)
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("stopped %v after a 50ms deadline", d)
		}
	})
}

func TestBadParts(t *testing.T) {
	errMake := errors.New("no such env today")
	tests := []struct {
		name  string
		setup func(*Run, *lineTeacher, *linearStudent)
		want  string
	}{
		{"invalid config", func(r *Run, _ *lineTeacher, _ *linearStudent) { r.Config.BatchSize = 0 }, "batch_size"},
		{"no env", func(r *Run, _ *lineTeacher, _ *linearStudent) { r.Env = nil }, "needs an environment maker"},
		{"no teacher", func(r *Run, _ *lineTeacher, _ *linearStudent) { r.Teacher = nil }, "a teacher"},
		{"no student", func(r *Run, _ *lineTeacher, _ *linearStudent) { r.Student = nil }, "a student"},
		{"env maker fails", func(r *Run, _ *lineTeacher, _ *linearStudent) {
			r.Env = func(int) (framework.VectorEnv, error) { return nil, errMake }
		}, "making the training environments: no such env today"},
		{"teacher for another env", func(r *Run, _ *lineTeacher, _ *linearStudent) {
			r.Teacher = otherSpaceTeacher{&lineTeacher{}}
		}, "teacher's spaces"},
		{"teacher fails", func(_ *Run, t *lineTeacher, _ *linearStudent) { t.fail = errors.New("gRPC gone") }, "teacher labelling Line-v0 states: gRPC gone"},
		{"teacher short", func(_ *Run, t *lineTeacher, _ *linearStudent) { t.short = true }, "teacher labelled 4 observations with 3 action values"},
		{"student fails", func(_ *Run, _ *lineTeacher, s *linearStudent) { s.failAfter = 30 }, "student training (update 30): student exploded on purpose"},
		{"student diverges", func(_ *Run, _ *lineTeacher, s *linearStudent) { s.nanAfter = 7 }, "loss NaN at update 7"},
		{"env fails to close", func(r *Run, _ *lineTeacher, _ *linearStudent) {
			make := r.Env
			r.Env = func(n int) (framework.VectorEnv, error) {
				v, err := make(n)
				return badClose{v}, err
			}
		}, "closing the final evaluation environments: socket closed"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			run, teacher, student := lineRun(smallConfig(), 1)
			tc.setup(&run, teacher, student)
			res, err := run.Execute(context.Background())
			if err == nil || !strings.Contains(err.Error(), tc.want) || res != nil {
				t.Fatalf("Execute = %v, %v; want an error containing %q", res, err, tc.want)
			}
		})
	}
}

// badClose is a vector env whose Close fails, like a plugin that died.
type badClose struct{ framework.VectorEnv }

func (badClose) Close() error { return errors.New("socket closed") }

// otherSpaceTeacher claims a three-action space.
type otherSpaceTeacher struct{ *lineTeacher }

func (otherSpaceTeacher) Spaces() (obs, act framework.Space) {
	return lineSpec.ObservationSpace, &framework.Discrete{N: 3}
}

// TestLoopDoesNotAllocate checks that collection and training reuse their
// buffers: the protocol's own cost per step stays flat.
func TestLoopDoesNotAllocate(t *testing.T) {
	cfg := smallConfig()
	cfg.EnvSteps = 1 << 20 // the rounds below stay within the budget, as Execute's do
	run, _, _ := lineRun(cfg, 1)
	venv, err := run.Env(cfg.Envs)
	if err != nil {
		t.Fatal(err)
	}
	evalVenv, err := run.Env(cfg.EvalCopies())
	if err != nil {
		t.Fatal(err)
	}
	r := &runner{Run: run, cfg: cfg, n: cfg.Envs, ctx: context.Background(), venv: venv, evalVenv: evalVenv}
	if err := r.setup(); err != nil {
		t.Fatal(err)
	}
	defer r.acts.close()
	if r.cur, err = venv.Reset(framework.Seed(1)); err != nil {
		t.Fatal(err)
	}
	if err := r.collect(100, 0.5); err != nil { // allocates the buffer
		t.Fatal(err)
	}
	if err := r.flush(); err != nil {
		t.Fatal(err)
	}
	allocs := testing.AllocsPerRun(20, func() {
		if err := r.collect(101, 0.5); err != nil {
			t.Fatal(err)
		}
		if err := r.flush(); err != nil {
			t.Fatal(err)
		}
		if _, err := r.train(); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Errorf("a round of collection and training allocates %v times", allocs)
	}
}

// batchStudent is a linearStudent that takes minibatches in batches, as a
// plugin's student does.
type batchStudent struct {
	*linearStudent
	calls int
}

func (s *batchStudent) TrainBatches(batches []framework.Batch, losses []float64) (int, error) {
	s.calls++
	return framework.TrainEach(s.linearStudent, batches, losses)
}

// TestBatchTrainerSameResult checks that a framework.BatchTrainer gets the
// same minibatches in the same order as one Train call each: the same
// result, the same failing update, in one call per round.
func TestBatchTrainerSameResult(t *testing.T) {
	cfg := smallConfig()
	exec := func(batched bool, failAfter, nanAfter int) (*Result, error, *batchStudent) {
		run, _, s := lineRun(cfg, 7)
		s.failAfter, s.nanAfter = failAfter, nanAfter
		bs := &batchStudent{linearStudent: s}
		if batched {
			run.Student = bs
		}
		res, err := run.Execute(context.Background())
		if res != nil {
			res.Timing = Timing{}
		}
		return res, err, bs
	}
	plain, err, _ := exec(false, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	batched, err, bs := exec(true, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(plain, batched) {
		t.Fatalf("batched training changed the result:\n%+v\n%+v", plain, batched)
	}
	if rounds := len(plain.Rounds); bs.calls != rounds {
		t.Errorf("%d TrainBatches calls for %d rounds", bs.calls, rounds)
	}
	for _, c := range []struct{ fail, nan int }{{fail: 37}, {nan: 45}} {
		_, errPlain, _ := exec(false, c.fail, c.nan)
		_, errBatched, _ := exec(true, c.fail, c.nan)
		if errPlain == nil || errBatched == nil || errPlain.Error() != errBatched.Error() {
			t.Errorf("fail at %d, NaN at %d: plain %v, batched %v", c.fail, c.nan, errPlain, errBatched)
		}
	}
}

// startingStudent is a framework.ActStarter over a linearStudent. It
// computes the actions in FinishAct, from the observations StartAct was
// given, and fails when they changed in between.
type startingStudent struct {
	*linearStudent
	obs, snapshot  []float64
	n              int
	starts, ends   int
	failFinishAt   int // FinishAct fails on this call (0: never)
	changedBetween bool
}

func (s *startingStudent) StartAct(obs []float64, n int) error {
	if s.obs != nil {
		return errors.New("an Act is already in flight")
	}
	s.starts++
	s.obs, s.n = obs, n
	s.snapshot = append(s.snapshot[:0], obs...)
	return nil
}

func (s *startingStudent) FinishAct(actions []float64) error {
	if s.obs == nil {
		return errors.New("no Act in flight")
	}
	s.ends++
	obs := s.obs
	s.obs = nil
	if !reflect.DeepEqual(obs, s.snapshot) {
		s.changedBetween = true
	}
	if s.ends == s.failFinishAt {
		return errors.New("finish failed on purpose")
	}
	return s.linearStudent.Act(obs, s.n, actions)
}

// TestActStarterSameResult checks that a framework.ActStarter student,
// started before the teacher labels and finished after, gives the result
// of a plain Act, with its observations left alone in between, and that
// a failed FinishAct fails the run.
func TestActStarterSameResult(t *testing.T) {
	cfg := smallConfig()
	plain := lineResult(t, cfg, 7)
	run, _, ls := lineRun(cfg, 7)
	st := &startingStudent{linearStudent: ls}
	run.Student = st
	split, err := run.Execute(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	split.Timing = Timing{}
	if !reflect.DeepEqual(plain, split) {
		t.Fatalf("a split Act changed the result:\n%+v\n%+v", plain, split)
	}
	if st.starts == 0 || st.starts != st.ends || st.changedBetween {
		t.Errorf("%d starts, %d finishes, observations changed in between: %v", st.starts, st.ends, st.changedBetween)
	}

	run, _, ls = lineRun(cfg, 7)
	run.Student = &startingStudent{linearStudent: ls, failFinishAt: 3}
	if _, err := run.Execute(context.Background()); err == nil || !strings.Contains(err.Error(), "student acting on") ||
		!strings.Contains(err.Error(), "finish failed on purpose") {
		t.Errorf("a failed FinishAct gave %v", err)
	}
}

// TestBufferGaussianRows checks the Box layout: a 2-dimensional action with
// its mean and std travel together through add and sample.
func TestBufferGaussianRows(t *testing.T) {
	b := newBuffer(2, 3, 2, 0, true)
	obs := []float64{1, 2, 3, 4, 5, 6}
	l := framework.Labels{Actions: []float64{.1, .2, .3, .4}, Mean: []float64{.5, .6, .7, .8}, Std: []float64{.9, 1, 1.1, 1.2}}
	if err := b.checkLabels(&l, 2); err != nil {
		t.Fatal(err)
	}
	b.add(obs, &l, 0, 2)
	bt := b.newBatch(50)
	b.sample(rand.New(rand.NewPCG(3, 4)), &bt)
	for k := 0; k < bt.N; k++ {
		i := 0
		if bt.Obs[3*k] == 4 {
			i = 1
		}
		got := []float64{bt.Obs[3*k], bt.Obs[3*k+2], bt.Labels.Actions[2*k+1], bt.Labels.Mean[2*k], bt.Labels.Std[2*k+1]}
		want := []float64{obs[3*i], obs[3*i+2], l.Actions[2*i+1], l.Mean[2*i], l.Std[2*i+1]}
		if !reflect.DeepEqual(got, want) || bt.Labels.Probs != nil {
			t.Fatalf("draw %d: %v, want sample %d's %v", k, got, i, want)
		}
	}
}

// TestEvalCopiesDoNotChangeScores checks that the size of the evaluation
// vector, which follows EvalEpisodes, changes neither training nor the final
// scores.
func TestEvalCopiesDoNotChangeScores(t *testing.T) {
	var finals [][]float64
	var rounds [][]Round
	for _, episodes := range []int{3, 8, 30} {
		cfg := smallConfig()
		// One short round barely trains the student, so its returns
		// vary from episode to episode.
		cfg.EvalEpisodes, cfg.FinalEvalEpisodes, cfg.EnvSteps, cfg.UpdatesPerRound = episodes, 50, 200, 1
		run, _, _ := lineRun(cfg, 4)
		res, err := run.Execute(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		finals = append(finals, res.Final.Returns)
		rounds = append(rounds, res.Rounds)
	}
	if rollout.Std(finals[0]) == 0 {
		t.Fatalf("every final episode returned %v: the test cannot tell episodes apart", finals[0][0])
	}
	for i := 1; i < len(finals); i++ {
		if !reflect.DeepEqual(finals[i], finals[0]) || !reflect.DeepEqual(rounds[i], rounds[0]) {
			t.Errorf("evaluation size %d changed the run:\n%v\n%v", i, finals[i], finals[0])
		}
	}
}

// TestTeacherBaselineIsTheSameMeasured checks a baseline measured once
// with EvaluateTeacher gives the run the same result as measuring it in
// the run, and that a baseline of the wrong size is refused.
func TestTeacherBaselineIsTheSameMeasured(t *testing.T) {
	cfg := smallConfig()
	want := lineResult(t, cfg, 5)
	run, _, _ := lineRun(cfg, 5)
	base, err := EvaluateTeacher(run.Env, run.Teacher, cfg)
	if err != nil {
		t.Fatal(err)
	}
	calls := 0
	run.TeacherBaseline = func() (Evaluation, error) { calls++; return base, nil }
	got, err := run.Execute(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	got.Timing = Timing{}
	if calls != 1 || !reflect.DeepEqual(want, got) {
		t.Fatalf("run with a cached baseline differs (calls %d)", calls)
	}
	short := base
	short.Returns = short.Returns[:1]
	run, _, _ = lineRun(cfg, 5)
	run.TeacherBaseline = func() (Evaluation, error) { return short, nil }
	if _, err := run.Execute(context.Background()); err == nil || !strings.Contains(err.Error(), "baseline has 1 episodes") {
		t.Fatalf("short baseline: %v", err)
	}
}

// TestStudentCopySameResult checks that evaluating the curve on a copy of
// the student in the background gives the result of evaluating the
// student in turn, that the copy is closed, and that a copy that cannot
// be made, or a student that cannot be saved, fails the run with a message
// saying so.
func TestStudentCopySameResult(t *testing.T) {
	cfg := smallConfig()
	cfg.EvalEvery = 300 // mid-round and end-of-round points
	plain, _, _ := lineRun(cfg, 9)
	want, err := plain.Execute(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	run, _, _ := lineRun(cfg, 9)
	var copies []*linearStudent
	run.StudentCopy = func() (framework.Student, error) {
		c := newLinearStudent(1234) // different weights until it loads
		copies = append(copies, c)
		return c, nil
	}
	var evals []int
	run.Progress = func(p Progress) {
		if p.Eval != nil {
			evals = append(evals, p.Eval.EnvSteps)
		}
	}
	got, err := run.Execute(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want.Timing, got.Timing = Timing{}, Timing{}
	if !reflect.DeepEqual(want, got) {
		t.Fatalf("evaluating a copy changed the result:\n%+v\n%+v", want.Curve, got.Curve)
	}
	if len(copies) != 1 || !copies[0].closed || copies[0].acts == 0 {
		t.Errorf("%d copies made; closed and used: %v", len(copies), len(copies) == 1 && copies[0].closed && copies[0].acts > 0)
	}
	for i := 1; i < len(evals); i++ {
		if evals[i] <= evals[i-1] {
			t.Errorf("evaluations reported out of order: %v", evals)
		}
	}

	run, _, _ = lineRun(cfg, 9)
	run.StudentCopy = func() (framework.Student, error) { return nil, errors.New("no room for another") }
	if _, err := run.Execute(context.Background()); err == nil || !strings.Contains(err.Error(), "evaluating the student at 0 env steps: making a copy of the student: no room for another") {
		t.Errorf("copy that cannot be made: %v", err)
	}
	run, _, s := lineRun(cfg, 9)
	s.failSave = true
	run.StudentCopy = func() (framework.Student, error) { return newLinearStudent(1), nil }
	if _, err := run.Execute(context.Background()); err == nil || !strings.Contains(err.Error(), "saving the student to evaluate it at 0 env steps: disk full") {
		t.Errorf("student that cannot be saved: %v", err)
	}
}

// copyingStudent is a linearStudent that copies itself for acting.
type copyingStudent struct {
	*linearStudent
	copies []*linearStudent
}

func (s *copyingStudent) ActingCopy() framework.Policy {
	c := &linearStudent{w: s.w, b: s.b}
	s.copies = append(s.copies, c)
	return c
}

// TestActingCopySameResult checks that a student copied in memory for the
// curve's evaluations gives the result of evaluating it in turn, with no
// checkpoint saved and no other student made.
func TestActingCopySameResult(t *testing.T) {
	cfg := smallConfig()
	cfg.EvalEvery = 300
	plain, _, _ := lineRun(cfg, 9)
	want, err := plain.Execute(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	run, _, s := lineRun(cfg, 9)
	s.failSave = true
	cs := &copyingStudent{linearStudent: s}
	run.Student = cs
	run.StudentCopy = func() (framework.Student, error) { return nil, errors.New("no copy should be made") }
	got, err := run.Execute(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want.Timing, got.Timing = Timing{}, Timing{}
	if !reflect.DeepEqual(want, got) {
		t.Fatalf("evaluating an acting copy changed the result:\n%+v\n%+v", want.Curve, got.Curve)
	}
	if len(cs.copies) == 0 || len(cs.copies) > len(got.Curve) {
		t.Errorf("%d acting copies for %d curve points", len(cs.copies), len(got.Curve))
	}
	for i, c := range cs.copies {
		if c.acts == 0 {
			t.Errorf("copy %d never acted", i)
		}
	}
}
