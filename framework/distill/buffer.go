package distill

import (
	"fmt"
	"math/rand/v2"

	"github.com/smgrnn/arena/framework"
)

// buffer is the bounded aggregate of labelled samples: a ring over
// preallocated rows, so adding and sampling never allocate. When it is full
// a new sample overwrites the oldest one.
type buffer struct {
	capacity, n, head int // head is the slot the next sample goes to
	obsDim, actDim    int
	probDim           int  // class probabilities per sample (0: none)
	gaussian          bool // whether Mean and Std are kept
	obs, act          []float64
	probs, mean, std  []float64
}

// newBuffer allocates a buffer of capacity rows for labels shaped like the
// teacher's first labels (probDim > 0: probabilities; gaussian: mean and
// std).
func newBuffer(capacity, obsDim, actDim, probDim int, gaussian bool) *buffer {
	b := &buffer{capacity: capacity, obsDim: obsDim, actDim: actDim, probDim: probDim, gaussian: gaussian}
	b.obs = make([]float64, capacity*obsDim)
	b.act = make([]float64, capacity*actDim)
	if probDim > 0 {
		b.probs = make([]float64, capacity*probDim)
	}
	if gaussian {
		b.mean = make([]float64, capacity*actDim)
		b.std = make([]float64, capacity*actDim)
	}
	return b
}

// checkLabels reports whether labels for n rows have the shape this buffer
// stores, so a teacher that changes its mind about soft labels mid-run is an
// error rather than silently mixed data.
func (b *buffer) checkLabels(l *framework.Labels, n int) error {
	if len(l.Actions) != n*b.actDim {
		return fmt.Errorf("teacher labelled %d observations with %d action values, want %d", n, len(l.Actions), n*b.actDim)
	}
	switch {
	case b.probDim > 0 && len(l.Probs) != n*b.probDim:
		return fmt.Errorf("teacher gave %d probability values for %d observations, want %d", len(l.Probs), n, n*b.probDim)
	case b.probDim == 0 && l.Probs != nil:
		return fmt.Errorf("teacher gave probabilities after labelling without them")
	case b.gaussian && (len(l.Mean) != n*b.actDim || len(l.Std) != n*b.actDim):
		return fmt.Errorf("teacher gave %d mean and %d std values for %d observations, want %d each", len(l.Mean), len(l.Std), n, n*b.actDim)
	case !b.gaussian && (l.Mean != nil || l.Std != nil):
		return fmt.Errorf("teacher gave a mean and std after labelling without them")
	}
	return nil
}

// add appends rows [from, to) of a labelled batch (obs holds its
// observations, l its labels, both checked by checkLabels).
func (b *buffer) add(obs []float64, l *framework.Labels, from, to int) {
	for i := from; i < to; i++ {
		s := b.head
		copy(b.obs[s*b.obsDim:(s+1)*b.obsDim], obs[i*b.obsDim:(i+1)*b.obsDim])
		copy(b.act[s*b.actDim:(s+1)*b.actDim], l.Actions[i*b.actDim:(i+1)*b.actDim])
		if b.probDim > 0 {
			copy(b.probs[s*b.probDim:(s+1)*b.probDim], l.Probs[i*b.probDim:(i+1)*b.probDim])
		}
		if b.gaussian {
			copy(b.mean[s*b.actDim:(s+1)*b.actDim], l.Mean[i*b.actDim:(i+1)*b.actDim])
			copy(b.std[s*b.actDim:(s+1)*b.actDim], l.Std[i*b.actDim:(i+1)*b.actDim])
		}
		b.head++
		if b.head == b.capacity {
			b.head = 0
		}
		if b.n < b.capacity {
			b.n++
		}
	}
}

// newBatch allocates a minibatch of size rows matching the buffer's shape.
func (b *buffer) newBatch(size int) framework.Batch {
	bt := framework.Batch{
		Obs: make([]float64, size*b.obsDim),
		N:   size,
		Labels: framework.Labels{
			Actions: make([]float64, size*b.actDim),
		},
	}
	if b.probDim > 0 {
		bt.Labels.Probs = make([]float64, size*b.probDim)
	}
	if b.gaussian {
		bt.Labels.Mean = make([]float64, size*b.actDim)
		bt.Labels.Std = make([]float64, size*b.actDim)
	}
	return bt
}

// sample fills bt with bt.N samples drawn uniformly, with replacement, from
// the samples held (the buffer must not be empty). Every slot is equally
// likely, so the ring's physical order does not bias the draw.
func (b *buffer) sample(rng *rand.Rand, bt *framework.Batch) {
	for k := 0; k < bt.N; k++ {
		s := rng.IntN(b.n)
		copy(bt.Obs[k*b.obsDim:(k+1)*b.obsDim], b.obs[s*b.obsDim:(s+1)*b.obsDim])
		copy(bt.Labels.Actions[k*b.actDim:(k+1)*b.actDim], b.act[s*b.actDim:(s+1)*b.actDim])
		if b.probDim > 0 {
			copy(bt.Labels.Probs[k*b.probDim:(k+1)*b.probDim], b.probs[s*b.probDim:(s+1)*b.probDim])
		}
		if b.gaussian {
			copy(bt.Labels.Mean[k*b.actDim:(k+1)*b.actDim], b.mean[s*b.actDim:(s+1)*b.actDim])
			copy(bt.Labels.Std[k*b.actDim:(k+1)*b.actDim], b.std[s*b.actDim:(s+1)*b.actDim])
		}
	}
}

// slot returns the index of the ring slot holding the k-th oldest sample
// (k = 0 is the oldest), for tests and inspection.
func (b *buffer) slot(k int) int {
	if b.n < b.capacity {
		return k
	}
	return (b.head + k) % b.capacity
}
