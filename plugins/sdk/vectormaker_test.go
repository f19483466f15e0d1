package sdk

import (
	"context"
	"testing"

	"github.com/smgrnn/arena/framework"
	"github.com/smgrnn/arena/plugins/internal/toy"
	arenav1 "github.com/smgrnn/arena/plugins/proto/arena/v1"
)

// batchedToy is the toy environment with its own way of making vectors.
type batchedToy struct {
	framework.Env
	made *[]int
}

func (b batchedToy) NewVector(n int) (framework.VectorEnv, error) {
	*b.made = append(*b.made, n)
	copies := make([]framework.Env, n)
	for i := range copies {
		copies[i] = toy.NewEnv()
	}
	return framework.NewSyncVectorEnv(copies)
}

// TestOpenUsesVectorMaker: a vector of an environment that implements
// framework.VectorMaker is made by it, once, for the requested copies; a
// lone environment is not.
func TestOpenUsesVectorMaker(t *testing.T) {
	var made []int
	srv := NewServer(Components{Name: "toy", Version: "0", Envs: map[string]framework.EnvMaker{
		toy.EnvID: func() (framework.Env, error) { return batchedToy{Env: toy.NewEnv(), made: &made}, nil }}})
	v := srv.Services()
	if _, err := v.Env.Open(context.Background(), &arenav1.EnvOpenRequest{Id: toy.EnvID, NumEnvs: 5, Vector: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := v.Env.Open(context.Background(), &arenav1.EnvOpenRequest{Id: toy.EnvID}); err != nil {
		t.Fatal(err)
	}
	if len(made) != 1 || made[0] != 5 {
		t.Errorf("NewVector calls %v, want one for 5 copies", made)
	}
}
