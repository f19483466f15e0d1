package distill_test

import (
	"context"
	"fmt"
	"reflect"
	"sync"
	"testing"

	_ "github.com/smgrnn/arena/agents/mlp"
	_ "github.com/smgrnn/arena/agents/smgrnn"
	_ "github.com/smgrnn/arena/envs"
	"github.com/smgrnn/arena/framework"
	"github.com/smgrnn/arena/framework/distill"
	"github.com/smgrnn/arena/framework/stats"
	_ "github.com/smgrnn/arena/teachers/expert"
)

// student is one contestant of the CartPole test.
type student struct {
	name, kind string
	params     framework.Params
}

var cartPoleStudents = []student{
	{"mlp-64x64", "mlp", framework.Params{"hidden": []int{64, 64}}},
	{"smgrnn-paper", "smgrnn", framework.Params{"strategy": "paper"}},
}

// distillCartPole runs the protocol on CartPole-v1.
func distillCartPole(t testing.TB, s student, cfg distill.Config, seed uint64) *distill.Result {
	return distillEnv(t, "CartPole-v1", s, cfg, seed)
}

// distillEnv runs the protocol on a registered environment with its expert
// teacher and a fresh student of the given seed.
func distillEnv(t testing.TB, id string, s student, cfg distill.Config, seed uint64) *distill.Result {
	env, err := framework.MakeEnv(id)
	if err != nil {
		t.Fatal(err)
	}
	spec := env.Spec()
	env.Close()
	teacher, err := framework.MakeTeacher("expert", spec)
	if err != nil {
		t.Fatal(err)
	}
	st, err := framework.MakeStudent(s.kind, framework.StudentConfig{
		ObservationSpace: spec.ObservationSpace,
		ActionSpace:      spec.ActionSpace,
		Seed:             seed,
		Adam:             framework.DefaultAdam(),
		Params:           s.params,
	})
	if err != nil {
		t.Fatal(err)
	}
	run := distill.Run{Env: distill.RegisteredEnv(id), Teacher: teacher, Student: st, Seed: seed, Config: cfg}
	res, err := run.Execute(context.Background())
	if err != nil {
		t.Fatalf("%s: %v", s.name, err)
	}
	return res
}

func normalized(t testing.TB, res *distill.Result) float64 {
	score, err := stats.NormalizedScore(res.Final.ReturnMean, res.Random.ReturnMean, res.Teacher.ReturnMean)
	if err != nil {
		t.Fatal(err)
	}
	return score
}

// timingLine says where a run's time went.
func timingLine(res *distill.Result) string {
	tm := res.Timing
	own := tm.Total - tm.Env - tm.Teacher - tm.StudentAct - tm.StudentTrain - tm.Eval - tm.Baselines
	return fmt.Sprintf("total %.2fs: env %.3fs, teacher %.3fs, student act %.3fs, student train %.2fs, eval %.2fs, baselines %.3fs, protocol %.3fs",
		tm.Total.Seconds(), tm.Env.Seconds(), tm.Teacher.Seconds(), tm.StudentAct.Seconds(),
		tm.StudentTrain.Seconds(), tm.Eval.Seconds(), tm.Baselines.Seconds(), own.Seconds())
}

// TestCartPoleDistillation is the protocol's acceptance test: with the
// default protocol, the CartPole-v1 expert distilled into the 64×64 MLP and into
// SMGrNN (paper strategy) reaches a normalised score of at least 0.95 over
// 100 final episodes, and SMGrNN ends far smaller than the MLP.
func TestCartPoleDistillation(t *testing.T) {
	cfg := distill.DefaultConfig()
	results := make([]*distill.Result, len(cartPoleStudents))
	var wg sync.WaitGroup
	for i, s := range cartPoleStudents {
		wg.Go(func() { results[i] = distillCartPole(t, s, cfg, 0) })
	}
	wg.Wait()
	if t.Failed() {
		return
	}
	for i, s := range cartPoleStudents {
		res := results[i]
		score := normalized(t, res)
		t.Logf("%s: final return %.2f ± %.2f over %d episodes (teacher %.2f, random %.2f): normalised %.4f; size %+v; events %v",
			s.name, res.Final.ReturnMean, res.Final.ReturnStd, len(res.Final.Returns), res.Teacher.ReturnMean, res.Random.ReturnMean, score, res.Size, res.Events)
		t.Logf("%s: %s", s.name, timingLine(res))
		if len(res.Final.Returns) != 100 {
			t.Errorf("%s: final evaluation over %d episodes, want 100", s.name, len(res.Final.Returns))
		}
		if score < 0.95 {
			t.Errorf("%s: normalised score %.4f, want at least 0.95", s.name, score)
		}
	}
	// SMGrNN must end far smaller: at most a tenth of the 64×64 MLP.
	mlp, smg := results[0].Size.Params, results[1].Size.Params
	if mlp != 4610 {
		t.Errorf("the 64×64 MLP on CartPole has %d parameters, want 4·64+64 + 64·64+64 + 64·2+2 = 4610", mlp)
	}
	if 10*smg > mlp {
		t.Errorf("SMGrNN ends with %d parameters, the MLP has %d: not a tenth", smg, mlp)
	}
	// The whole default run again, for the cheaper student: bit-identical.
	again := distillCartPole(t, cartPoleStudents[1], cfg, 0)
	again.Timing, results[1].Timing = distill.Timing{}, distill.Timing{}
	if !reflect.DeepEqual(again, results[1]) {
		t.Errorf("%s: a second default run of seed 0 differs from the first", cartPoleStudents[1].name)
	}
}

// TestCartPoleSameSeed checks bit-identical reruns on the real parts, with
// a short budget.
func TestCartPoleSameSeed(t *testing.T) {
	cfg := distill.DefaultConfig()
	cfg.EnvSteps, cfg.UpdatesPerRound, cfg.EvalEvery, cfg.FinalEvalEpisodes = 4000, 20, 2000, 20
	for _, s := range cartPoleStudents {
		a, b, c := distillCartPole(t, s, cfg, 7), distillCartPole(t, s, cfg, 7), distillCartPole(t, s, cfg, 8)
		a.Timing, b.Timing, c.Timing = distill.Timing{}, distill.Timing{}, distill.Timing{}
		if !reflect.DeepEqual(a, b) {
			t.Errorf("%s: two runs of seed 7 differ", s.name)
		}
		if reflect.DeepEqual(a.Rounds, c.Rounds) {
			t.Errorf("%s: seeds 7 and 8 trained identically", s.name)
		}
	}
}

// BenchmarkCartPoleRun times one default CartPole-v1 run per student and
// reports where the time goes, in seconds per run.
func BenchmarkCartPoleRun(b *testing.B) {
	for _, s := range cartPoleStudents {
		b.Run(s.name, func(b *testing.B) {
			var sum distill.Timing
			for b.Loop() {
				tm := distillCartPole(b, s, distill.DefaultConfig(), 0).Timing
				sum.Env += tm.Env
				sum.Teacher += tm.Teacher
				sum.StudentAct += tm.StudentAct
				sum.StudentTrain += tm.StudentTrain
				sum.Eval += tm.Eval
				sum.Baselines += tm.Baselines
				sum.Total += tm.Total
			}
			n := float64(b.N)
			own := sum.Total - sum.Env - sum.Teacher - sum.StudentAct - sum.StudentTrain - sum.Eval - sum.Baselines
			b.ReportMetric(sum.Env.Seconds()/n, "env-s")
			b.ReportMetric(sum.Teacher.Seconds()/n, "teacher-s")
			b.ReportMetric(sum.StudentAct.Seconds()/n, "act-s")
			b.ReportMetric(sum.StudentTrain.Seconds()/n, "train-s")
			b.ReportMetric(sum.Eval.Seconds()/n, "eval-s")
			b.ReportMetric(sum.Baselines.Seconds()/n, "baselines-s")
			b.ReportMetric(own.Seconds()/n, "protocol-s")
		})
	}
}

// TestEveryEnvironmentRuns runs a short protocol on every registered
// environment with its expert, so the Box path (mean and std labels) and
// every observation shape go through the real parts, twice for identity.
func TestEveryEnvironmentRuns(t *testing.T) {
	cfg := distill.DefaultConfig()
	cfg.EnvSteps, cfg.RoundSteps, cfg.UpdatesPerRound, cfg.EvalEvery, cfg.EvalEpisodes, cfg.FinalEvalEpisodes = 1000, 500, 10, 500, 4, 8
	s := student{"smgrnn-paper", "smgrnn", framework.Params{"strategy": "paper"}}
	for _, id := range framework.EnvIDs() {
		t.Run(id, func(t *testing.T) {
			a, b := distillEnv(t, id, s, cfg, 3), distillEnv(t, id, s, cfg, 3)
			a.Timing, b.Timing = distill.Timing{}, distill.Timing{}
			if !reflect.DeepEqual(a, b) {
				t.Errorf("two runs of seed 3 differ")
			}
			if a.Env != id || a.EnvSteps != 1000 || len(a.Rounds) != 2 || len(a.Curve) != 3 || len(a.Final.Returns) != 8 || len(a.Teacher.Returns) != 8 || len(a.Random.Returns) != 8 {
				t.Errorf("result shape: env %s, %d steps, %d rounds, %d points, %d/%d/%d final returns",
					a.Env, a.EnvSteps, len(a.Rounds), len(a.Curve), len(a.Final.Returns), len(a.Teacher.Returns), len(a.Random.Returns))
			}
			t.Logf("teacher %.1f, random %.1f, student after 1000 steps %.1f", a.Teacher.ReturnMean, a.Random.ReturnMean, a.Final.ReturnMean)
		})
	}
}
