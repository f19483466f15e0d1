package distill

import (
	"fmt"
	"math/rand/v2"

	"github.com/smgrnn/arena/framework"
)

// buffer is the bounded aggregate of labelled samples: a ring over
// preallocated rows, so adding and sampling never allocate. When it is full
// a new sample overwrites the oldest one.
//
// A sample is one contiguous row of data (observation, action, then the
// probabilities or the mean and std), so a uniform draw touches one or two
// cache lines rather than one per field: with a buffer larger than the
// cache, that is what sampling costs.
type buffer struct {
	capacity, n, head int // head is the slot the next sample goes to
	obsDim, actDim    int
	probDim           int  // class probabilities per sample (0: none)
	gaussian          bool // whether Mean and Std are kept
	// Offsets of the fields in a row, and the row's width.
	actOff, probOff, meanOff, stdOff, width int
	data                                    []float64
}

// newBuffer allocates a buffer of capacity rows for labels shaped like the
// teacher's first labels (probDim > 0: probabilities; gaussian: mean and
// std).
func newBuffer(capacity, obsDim, actDim, probDim int, gaussian bool) *buffer {
	b := &buffer{capacity: capacity, obsDim: obsDim, actDim: actDim, probDim: probDim, gaussian: gaussian}
	b.actOff = obsDim
	b.probOff = b.actOff + actDim
	b.meanOff = b.probOff + probDim
	b.stdOff = b.meanOff
	b.width = b.meanOff
	if gaussian {
		b.stdOff = b.meanOff + actDim
		b.width = b.stdOff + actDim
	}
	b.data = make([]float64, capacity*b.width)
	return b
}

// row returns slot s's row.
func (b *buffer) row(s int) []float64 { return b.data[s*b.width : (s+1)*b.width] }

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
	od, ad, pd := b.obsDim, b.actDim, b.probDim
	for i := from; i < to; i++ {
		r := b.row(b.head)
		put(r[:od], obs[i*od:(i+1)*od])
		put(r[b.actOff:b.actOff+ad], l.Actions[i*ad:(i+1)*ad])
		if pd > 0 {
			put(r[b.probOff:b.probOff+pd], l.Probs[i*pd:(i+1)*pd])
		}
		if b.gaussian {
			put(r[b.meanOff:b.meanOff+ad], l.Mean[i*ad:(i+1)*ad])
			put(r[b.stdOff:b.stdOff+ad], l.Std[i*ad:(i+1)*ad])
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

// put copies src into dst (same length). Rows here are a handful of
// values, for which an inlined loop beats copy's call into memmove.
func put(dst, src []float64) {
	dst = dst[:len(src)]
	for j, v := range src {
		dst[j] = v
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
	od, ad, pd := b.obsDim, b.actDim, b.probDim
	for k := 0; k < bt.N; k++ {
		r := b.row(rng.IntN(b.n))
		put(bt.Obs[k*od:(k+1)*od], r[:od])
		put(bt.Labels.Actions[k*ad:(k+1)*ad], r[b.actOff:b.actOff+ad])
		if pd > 0 {
			put(bt.Labels.Probs[k*pd:(k+1)*pd], r[b.probOff:b.probOff+pd])
		}
		if b.gaussian {
			put(bt.Labels.Mean[k*ad:(k+1)*ad], r[b.meanOff:b.meanOff+ad])
			put(bt.Labels.Std[k*ad:(k+1)*ad], r[b.stdOff:b.stdOff+ad])
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
