package envcheck_test

import (
	"testing"

	_ "github.com/smgrnn/arena/envs" // registers the built-in environments
	"github.com/smgrnn/arena/framework"
	"github.com/smgrnn/arena/framework/envcheck"
)

// TestRegisteredEnvsPass runs every check on every registered environment,
// from two base seeds.
func TestRegisteredEnvsPass(t *testing.T) {
	ids := framework.EnvIDs()
	for _, want := range []string{"CartPole-v1", "Acrobot-v1", "MountainCar-v0", "MountainCarContinuous-v0", "Pendulum-v1"} {
		if _, err := framework.MakeEnv(want); err != nil {
			t.Errorf("%s is not registered: %v", want, err)
		}
	}
	seeds := []uint64{0, 12345}
	if testing.Short() {
		seeds = seeds[:1]
	}
	for _, id := range ids {
		for _, seed := range seeds {
			rs := envcheck.CheckWith(func() (framework.Env, error) { return framework.MakeEnv(id) }, envcheck.Options{Seed: seed})
			for _, r := range rs {
				if !r.Passed() {
					t.Errorf("%s seed %d: %s", id, seed, r)
				}
			}
		}
	}
}
