package distill

import (
	"context"
	"errors"
	"reflect"
	"sync"
	"testing"

	"github.com/smgrnn/arena/framework"
)

// countingEnvs wraps lineEnvs, counting the vectors made and closed.
type countingEnvs struct {
	mu           sync.Mutex
	made, closed int
	fail         error
}

func (c *countingEnvs) make(n int) (framework.VectorEnv, error) {
	if c.fail != nil {
		return nil, c.fail
	}
	v, err := lineEnvs(nil)(n)
	c.mu.Lock()
	c.made++
	c.mu.Unlock()
	return closeCounter{v, c}, err
}

type closeCounter struct {
	framework.VectorEnv
	c *countingEnvs
}

func (v closeCounter) Close() error {
	v.c.mu.Lock()
	v.c.closed++
	v.c.mu.Unlock()
	return v.VectorEnv.Close()
}

// TestPrefetch checks that a run on prefetched vectors gives the result of
// a run that makes its own, makes no vector besides the final
// evaluation's, and closes them all; that a prefetched vector nobody
// takes is closed; and that a failure to make the training vector is
// what Spec reports.
func TestPrefetch(t *testing.T) {
	cfg := smallConfig()
	plain := lineResult(t, cfg, 4)

	envs := &countingEnvs{}
	pre := Prefetch(envs.make, cfg)
	spec, err := pre.Spec()
	if err != nil || spec.ID != lineSpec.ID {
		t.Fatalf("Spec = %v, %v", spec.ID, err)
	}
	run, _, _ := lineRun(cfg, 4)
	run.Env = pre.Make
	got, err := run.Execute(context.Background())
	pre.Close()
	if err != nil {
		t.Fatal(err)
	}
	got.Timing = Timing{}
	if !reflect.DeepEqual(plain, got) {
		t.Fatalf("prefetched vectors changed the result:\n%+v\n%+v", plain, got)
	}
	if envs.made != 3 || envs.closed != 3 {
		t.Errorf("%d vectors made and %d closed, want 3 (training, evaluation, final) each", envs.made, envs.closed)
	}

	envs = &countingEnvs{}
	pre = Prefetch(envs.make, cfg)
	pre.Close()
	if envs.made != 2 || envs.closed != 2 {
		t.Errorf("unused: %d vectors made and %d closed, want 2 each", envs.made, envs.closed)
	}

	bad := errors.New("no such env")
	if _, err := Prefetch((&countingEnvs{fail: bad}).make, cfg).Spec(); !errors.Is(err, bad) {
		t.Errorf("Spec with a failing maker: %v", err)
	}
}
