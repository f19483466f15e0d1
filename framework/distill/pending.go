package distill

import "github.com/smgrnn/arena/framework"

// maxPending and maxPendingBytes bound the states waiting for labels, and
// so one Label call: at most maxPending rows and, for large observations,
// about maxPendingBytes of them (a plugin's messages stop at 64 MiB).
const (
	maxPending      = 4096
	maxPendingBytes = 4 << 20
)

// pendingRows is how many visited states may wait for labels with cfg and
// observations of obsDim values: whole vector steps, a round's within the
// bounds above and two more (a round may end inside a step, and its tail
// waits), so at least two steps.
func pendingRows(cfg Config, obsDim int) int {
	rows := min(cfg.RoundSteps, maxPending, maxPendingBytes/(8*max(obsDim, 1)))
	return (rows/cfg.Envs + 2) * cfg.Envs
}

// pending holds the states the training copies visit, in order, on their
// way to the buffer. Rows [0, labelled) have their teacher's labels, the
// rest wait for them; rows [0, taken) are samples the protocol has taken,
// the rest are the tail of the last vector step, which the next collect
// takes.
//
// Why: a state needs its label at once only when one of its step's copies
// behaves as the teacher; otherwise its label can wait until the round's
// end, or until a step needs the teacher, and the teacher labels all the
// waiting states in one call. Once β is small that is one Label call for
// most of a round instead of one per vector step: through plugins, one
// round trip a step fewer, and the student acts alone. A row's labels
// depend on its observation only (framework.Teacher), so neither the
// labels nor the buffer's order depend on when they were asked for.
type pending struct {
	obsDim, actDim, probDim int
	gaussian                bool
	obs                     []float64
	lab                     framework.Labels // allocated with the first labels
	rows, labelled, taken   int
}

// newPending makes room for capacity rows.
func newPending(capacity, obsDim, actDim int) pending {
	return pending{obsDim: obsDim, actDim: actDim, obs: make([]float64, capacity*obsDim)}
}

// room reports whether k more rows fit.
func (p *pending) room(k int) bool { return (p.rows+k)*p.obsDim <= len(p.obs) }

// push appends the k rows of obs.
func (p *pending) push(obs []float64, k int) {
	copy(p.obs[p.rows*p.obsDim:], obs[:k*p.obsDim])
	p.rows += k
}

// unlabelled returns the observations that wait for labels, and how many.
func (p *pending) unlabelled() ([]float64, int) {
	return p.obs[p.labelled*p.obsDim : p.rows*p.obsDim], p.rows - p.labelled
}

// setLabels stores l, checked by the buffer, as the labels of the k rows
// unlabelled returned.
func (p *pending) setLabels(l *framework.Labels, k int) {
	if p.lab.Actions == nil {
		capacity := len(p.obs) / p.obsDim
		p.probDim = len(l.Probs) / k
		p.gaussian = l.Mean != nil
		p.lab.Actions = make([]float64, capacity*p.actDim)
		if p.probDim > 0 {
			p.lab.Probs = make([]float64, capacity*p.probDim)
		}
		if p.gaussian {
			p.lab.Mean = make([]float64, capacity*p.actDim)
			p.lab.Std = make([]float64, capacity*p.actDim)
		}
	}
	i, ad, pd := p.labelled, p.actDim, p.probDim
	copy(p.lab.Actions[i*ad:], l.Actions[:k*ad])
	if pd > 0 {
		copy(p.lab.Probs[i*pd:], l.Probs[:k*pd])
	}
	if p.gaussian {
		copy(p.lab.Mean[i*ad:], l.Mean[:k*ad])
		copy(p.lab.Std[i*ad:], l.Std[:k*ad])
	}
	p.labelled += k
}

// lastActions returns the teacher's actions for the last k rows, which
// must be labelled.
func (p *pending) lastActions(k int) []float64 {
	return p.lab.Actions[(p.rows-k)*p.actDim : p.rows*p.actDim]
}

// drain adds the rows taken, which must be labelled, to buf and moves the
// rest to the front.
func (p *pending) drain(buf *buffer) {
	if p.taken == 0 {
		return
	}
	buf.add(p.obs, &p.lab, 0, p.taken)
	k, od, ad, pd := p.taken, p.obsDim, p.actDim, p.probDim
	copy(p.obs, p.obs[k*od:p.rows*od])
	if p.labelled > k {
		copy(p.lab.Actions, p.lab.Actions[k*ad:p.labelled*ad])
		if pd > 0 {
			copy(p.lab.Probs, p.lab.Probs[k*pd:p.labelled*pd])
		}
		if p.gaussian {
			copy(p.lab.Mean, p.lab.Mean[k*ad:p.labelled*ad])
			copy(p.lab.Std, p.lab.Std[k*ad:p.labelled*ad])
		}
	}
	p.rows -= k
	p.labelled -= k
	p.taken = 0
}
