package distill_test

import (
	"context"
	"fmt"
	"log"

	"github.com/smgrnn/arena/framework"
	"github.com/smgrnn/arena/framework/distill"
)

// A short distillation of the CartPole-v1 expert into SMGrNN: two rounds of
// 1,000 labelled steps, evaluated at 0, 1,000 (after round 0's training)
// and 2,000 steps.
func ExampleRun_Execute() {
	const id = "CartPole-v1"
	env, err := framework.MakeEnv(id)
	if err != nil {
		log.Fatal(err)
	}
	spec := env.Spec()
	env.Close()
	teacher, err := framework.MakeTeacher("expert", spec)
	if err != nil {
		log.Fatal(err)
	}
	student, err := framework.MakeStudent("smgrnn", framework.StudentConfig{
		ObservationSpace: spec.ObservationSpace,
		ActionSpace:      spec.ActionSpace,
		Seed:             1,
		Adam:             framework.DefaultAdam(),
		Params:           framework.Params{"strategy": "paper"},
	})
	if err != nil {
		log.Fatal(err)
	}
	cfg := distill.DefaultConfig()
	cfg.EnvSteps, cfg.RoundSteps, cfg.EvalEvery, cfg.UpdatesPerRound = 2000, 1000, 1000, 50
	run := distill.Run{Env: distill.RegisteredEnv(id), Teacher: teacher, Student: student, Seed: 1, Config: cfg}
	res, err := run.Execute(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	for _, p := range res.Curve {
		fmt.Printf("evaluated at %d env steps after %d updates\n", p.EnvSteps, p.Updates)
	}
	fmt.Printf("final evaluation: %d episodes from seed %d; teacher %.0f\n", len(res.Final.Returns), res.Final.Seed, res.Teacher.ReturnMean)
	// Output:
	// evaluated at 0 env steps after 0 updates
	// evaluated at 1000 env steps after 50 updates
	// evaluated at 2000 env steps after 100 updates
	// final evaluation: 100 episodes from seed 1000000000; teacher 500
}
