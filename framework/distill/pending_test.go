package distill

import (
	"reflect"
	"testing"

	"github.com/smgrnn/arena/framework"
)

// TestPendingOrder checks that states reach the buffer in the order they
// were visited, each with its own labels, however the labels were asked
// for (one call per step, or several steps in one call) and wherever the
// samples taken end, and that the untaken tail of a step stays behind.
func TestPendingOrder(t *testing.T) {
	const n, od, ad, pd = 4, 2, 1, 2
	// State v has observation (v, -v), action v and probabilities (v, 1-v)/10.
	step := func(s int) []float64 {
		obs := make([]float64, n*od)
		for i := range n {
			v := float64(s*n + i)
			obs[i*od], obs[i*od+1] = v, -v
		}
		return obs
	}
	label := func(obs []float64, k int) framework.Labels {
		l := framework.Labels{Actions: make([]float64, k*ad), Probs: make([]float64, k*pd)}
		for i := range k {
			v := obs[i*od]
			l.Actions[i] = v
			l.Probs[i*pd], l.Probs[i*pd+1] = v/10, (1-v)/10
		}
		return l
	}
	for _, tc := range []struct {
		name string
		// labelAfter[s]: label what waits after pushing step s.
		labelAfter []bool
		takes      []int // samples taken after each step
	}{
		{"every step", []bool{true, true, true, true}, []int{4, 4, 4, 4}},
		{"all at the end", []bool{false, false, false, false}, []int{4, 4, 4, 4}},
		{"mixed, tail left", []bool{false, true, false, false}, []int{4, 4, 4, 1}},
		{"partial takes", []bool{true, false, false, true}, []int{3, 4, 4, 2}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := newPending(3*n, od, ad)
			buf := newBuffer(100, od, ad, pd, false)
			var want [][]float64 // buffer rows, in order
			taken := 0
			flush := func() {
				obs, k := p.unlabelled()
				if k > 0 {
					l := label(obs, k)
					p.setLabels(&l, k)
				}
				p.drain(buf)
			}
			for s := range tc.labelAfter {
				if !p.room(n) {
					flush()
				}
				p.push(step(s), n)
				if tc.labelAfter[s] {
					obs, k := p.unlabelled()
					l := label(obs, k)
					p.setLabels(&l, k)
					if got := p.lastActions(n); got[0] != float64(s*n) {
						t.Fatalf("step %d: the teacher's actions start at %v", s, got[0])
					}
				}
				// Samples are taken in visiting order, a step's tail first.
				for range tc.takes[s] {
					v := float64(taken)
					want = append(want, []float64{v, -v, v, v / 10, (1 - v) / 10})
					taken++
				}
				p.taken += tc.takes[s]
			}
			flush()
			var got [][]float64
			for i := range buf.n {
				got = append(got, append([]float64(nil), buf.row(i)...))
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("buffer rows\n%v\nwant\n%v", got, want)
			}
			if left := 4*n - len(want); p.rows != left || p.labelled != left || p.taken != 0 {
				t.Errorf("%d rows left (%d labelled, %d taken), want %d untaken", p.rows, p.labelled, p.taken, left)
			}
		})
	}
}

// TestPendingRows checks the bounds on the states waiting for labels: a
// round's and two steps for small observations, about maxPendingBytes for
// large ones, and always two whole steps at least.
func TestPendingRows(t *testing.T) {
	def := DefaultConfig()
	big := def
	big.RoundSteps = 1 << 20
	tests := []struct {
		name   string
		cfg    Config
		obsDim int
		want   int
	}{
		{"default, CartPole", def, 4, def.RoundSteps + 2*def.Envs},
		{"long rounds", big, 4, maxPending + 2*big.Envs},
		{"large observations", def, 64 * 1024, 8 + 2*def.Envs},
		{"huge observations", def, 1 << 22, 2 * def.Envs},
	}
	for _, tc := range tests {
		got := pendingRows(tc.cfg, tc.obsDim)
		if got != tc.want || got%tc.cfg.Envs != 0 {
			t.Errorf("%s: %d rows, want %d (whole steps of %d)", tc.name, got, tc.want, tc.cfg.Envs)
		}
	}
}
