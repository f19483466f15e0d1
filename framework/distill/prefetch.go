package distill

import (
	"sync"

	"github.com/smgrnn/arena/framework"
)

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
	waiting []*prefetch
	closed  bool
}

// prefetch is one vector being made; done closes when venv and err are
// set.
type prefetch struct {
	n    int
	done chan struct{}
	venv framework.VectorEnv
	err  error
}

// Prefetch starts making the vectors Execute of a run with cfg asks for
// first. Call Close when the run is over, to close those it did not take.
func Prefetch(maker VectorEnvMaker, cfg Config) *Prefetched {
	p := &Prefetched{maker: maker}
	for _, n := range []int{cfg.Envs, evalCopies(cfg)} {
		f := &prefetch{n: n, done: make(chan struct{})}
		p.waiting = append(p.waiting, f)
		go func() {
			f.venv, f.err = maker(f.n)
			close(f.done)
		}()
	}
	return p
}

// Spec waits for the training vector and returns its environment's spec,
// or the error making it gave.
func (p *Prefetched) Spec() (framework.EnvSpec, error) {
	p.mu.Lock()
	var f *prefetch
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
	<-f.done
	if f.err != nil {
		return framework.EnvSpec{}, f.err
	}
	return f.venv.Spec(), nil
}

// Make returns a prefetched vector of n copies, waiting for it if need
// be, or makes one.
func (p *Prefetched) Make(n int) (framework.VectorEnv, error) {
	p.mu.Lock()
	for i, f := range p.waiting {
		if f.n == n && !p.closed {
			p.waiting = append(p.waiting[:i], p.waiting[i+1:]...)
			p.mu.Unlock()
			<-f.done
			return f.venv, f.err
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
		<-f.done
		if f.err == nil && f.venv != nil {
			f.venv.Close()
		}
	}
}
