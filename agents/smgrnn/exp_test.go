package smgrnn

import (
	"math/rand/v2"
	"os"
	"testing"

	"github.com/smgrnn/arena/framework"
)

func TestExp(t *testing.T) {
	if os.Getenv("EXP") == "" {
		t.Skip()
	}
	for _, tk := range []task{discreteTask, boxTask} {
		for _, p := range []framework.Params{
			{"strategy": "paper", "density": 1.0, "spm": map[string]any{"lambda_edge": 0.1}},
			{"strategy": "paper", "density": 1.0, "spm": map[string]any{"lambda_edge": 1.0}},
			{"strategy": "paper", "density": 1.0, "spm": map[string]any{"lambda_edge": 5.0}},
			{"strategy": "paper", "density": 0.5, "spm": map[string]any{"lambda_edge": 1.0}},
		} {
			s := newStudent(t, tk, 1, p)
			rng := rand.New(rand.NewPCG(5, 5))
			for i := 0; i < 20000; i++ {
				if _, err := s.Train(tk.batch(rng, 64)); err != nil {
					t.Fatal(err)
				}
				if i%5000 == 4999 {
					t.Logf("%v step %d score %.3f size %+v ev %v", p, i+1, score(t, s, tk, rng), s.Size(), s.StructureEvents())
				}
			}
		}
	}
}
