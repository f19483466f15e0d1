package distill

import (
	"fmt"
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
		p.err = framework.Recovered(func() (err error) {
			p.venv, err = maker(n)
			return err
		})
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

// finalEnv is the final evaluation's vector when it is not the evaluation
// vector (Config.FinalCopies differs from EvalCopies). prepare starts
// making it as the last training starts, so the final evaluation need not
// wait for a process to start, and by then the match's teacher baseline
// has usually handed its vector of the same size back to the plugin's
// pool.
type finalEnv struct {
	maker VectorEnvMaker
	cfg   Config
	made  *pendingEnv
}

// prepare starts making the vector, unless the evaluation vector serves or
// it is under way.
func (f *finalEnv) prepare() {
	if n := f.cfg.FinalCopies(); n != f.cfg.EvalCopies() && f.made == nil {
		f.made = makeEnvAsync(f.maker, n)
	}
}

// take returns the final evaluation's vector: evalVenv when it serves,
// else the one prepare made (made reports that the caller must close it).
func (f *finalEnv) take(evalVenv framework.VectorEnv) (v framework.VectorEnv, made bool, err error) {
	f.prepare()
	if f.made == nil {
		return evalVenv, false, nil
	}
	v, err = f.made.wait()
	f.made = nil // the caller's now: discard must not close it
	if err != nil {
		return nil, false, fmt.Errorf("making the final evaluation's environments: %w", err)
	}
	if got, want := v.NumEnvs(), f.cfg.FinalCopies(); got != want {
		v.Close()
		return nil, false, fmt.Errorf("final evaluation vector env has %d copies, want %d", got, want)
	}
	return v, true, nil
}

// discard closes a vector prepare made and nobody took.
func (f *finalEnv) discard() { f.made.discard() }

// Prefetched makes the training and evaluation vectors of a run as soon
// as it is created, and hands them to Execute when it asks for vectors of
// their sizes (Make is a VectorEnvMaker). Through plugins each vector is a
// process to start (go-plugin's key generation, mostly); with Prefetched
// those starts overlap the teacher's and the student's, and the training
// vector's Spec serves as the environment's, so a run need not start a
// process just to read it.
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
		makeEnvAsync(maker, cfg.Envs), makeEnvAsync(maker, cfg.EvalCopies()),
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
