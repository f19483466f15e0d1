// Package box2d holds Gymnasium 1.4's Box2D environments LunarLander-v3,
// LunarLanderContinuous-v3 (LunarLander with continuous=True) and
// BipedalWalker-v3, on Box2D 2.4's C++ library through cgo and a small C
// shim (shim.h), with wind and turbulence off, as Gymnasium's defaults
// have them.
//
// Each environment follows its Gymnasium source with the default
// arguments: the bodies, fixtures, joints and their parameters; the
// terrain and the initial push drawn from the seed's numpy stream
// (SeedSequence → PCG64, package numpyrand) in Gymnasium's order, the
// engines' dispersion draws included; the observation, the reward shaping,
// the termination rules and the time limit of the registration (1000
// steps; BipedalWalker 1600). Observations are float32 values carried as
// float64, as in Gymnasium.
//
// Trajectories are not Gymnasium's to the bit: Gymnasium runs pybox2d 2.3
// and this package Box2D 2.4.1 (Debian's libbox2d-dev), whose solvers
// differ, and Go's sin and cos are not glibc's. Two more deviations keep
// a seed's episode independent of what ran before it: every reset builds
// a new world (Gymnasium's BipedalWalker reuses one, whose internal
// orderings then depend on earlier episodes), and rendering never adds the
// exhaust particles, which Gymnasium creates only when rendering. The
// rules (observation, shaping, contacts, termination) are pure Go and are
// tested on constructed states.
//
// The simulation needs cgo and libbox2d and is built only with the box2d
// build tag (BuildCommand). Without it the package still builds and its
// rule tests run, and New fails with ErrNotBuilt. arena itself never links
// Box2D: it reaches these environments through the arena-box2d plugin
// (arena ... --plugin bin/arena-box2d).
package box2d
