package distill

import (
	"sync"

	"github.com/smgrnn/arena/framework"
)

// pendingEnv is a vector env being made on a goroutine of its own; done
// closes when venv and err are set.
type pendingEnv struct {
	n    int
	done chan struct{}
	venv framework.VectorEnv
	err  error
}

// makeEnvAsync starts making n copies with maker.
func makeEnvAsync(maker VectorEnvMaker, n int) *pendingEnv {
	p := &pendingEnv{n: n, done: make(chan struct{})}
	go func() {
		p.venv, p.err = maker(n)
		close(p.done)
	}()
	return p
}

// wait returns the env once made, or the error making it gave.
func (p *pendingEnv) wait() (framework.VectorEnv, error) {
	<-p.done
	return p.venv, p.err
}

// discard closes the env once made, for a run that ended without it; nil
// discards nothing.
func (p *pendingEnv) discard() {
	if p == nil {
		return
	}
	if v, err := p.wait(); err == nil && v != nil {
		v.Close()
	}
}

// Prefetched makes the training and evaluation vectors of a run as soon
// as it is created, and hands them to Execute when it asks for vectors of
// their sizes (Make is a VectorEnvMaker). Through plugins each vector is a
// process to start, about 50 ms; with Prefetched those starts overlap the
// teacher's and the student's, and the training vector's Spec serves as
// the environment's, so a run need not start a process just to read it.
type Prefetched struct {
	maker VectorEnvMaker

	mu sync.Mutex
	// waiting holds the vectors being made or made and not yet taken, the
	// training vector first.
	waiting []*pendingEnv
	closed  bool
}

// Prefetch starts making the vectors Execute of a run with cfg asks for
// first. Call Close when the run is over, to close those it did not take.
func Prefetch(maker VectorEnvMaker, cfg Config) *Prefetched {
	return &Prefetched{maker: maker, waiting: []*pendingEnv{
		makeEnvAsync(maker, cfg.Envs), makeEnvAsync(maker, evalCopies(cfg)),
	}}
}

// Spec waits for the training vector and returns its environment's spec,
// or the error making it gave.
func (p *Prefetched) Spec() (framework.EnvSpec, error) {
	p.mu.Lock()
	var f *pendingEnv
	if len(p.waiting) > 0 {
		f = p.waiting[0]
	}
	p.mu.Unlock()
	if f == nil {
		v, err := p.maker(1)
		if err != nil {
			return framework.EnvSpec{}, err
		}
		defer v.Close()
		return v.Spec(), nil
	}
	v, err := f.wait()
	if err != nil {
		return framework.EnvSpec{}, err
	}
	return v.Spec(), nil
}

// Make returns a prefetched vector of n copies, waiting for it if need
// be, or makes one.
func (p *Prefetched) Make(n int) (framework.VectorEnv, error) {
	p.mu.Lock()
	for i, f := range p.waiting {
		if f.n == n && !p.closed {
			p.waiting = append(p.waiting[:i], p.waiting[i+1:]...)
			p.mu.Unlock()
			return f.wait()
		}
	}
	p.mu.Unlock()
	return p.maker(n)
}

// Close closes the prefetched vectors nobody took, once they are made.
func (p *Prefetched) Close() {
	p.mu.Lock()
	left := p.waiting
	p.waiting, p.closed = nil, true
	p.mu.Unlock()
	for _, f := range left {
		f.discard()
	}
}
