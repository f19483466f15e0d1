package ppo

import (
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"time"

	"github.com/smgrnn/arena/agents/adam"
	"github.com/smgrnn/arena/framework"
)

// Result summarises a training run.
type Result struct {
	// Steps is the number of environment steps taken (summed over copies).
	Steps int
	// Updates is the number of PPO updates.
	Updates int
	// MeanReturn is the mean return of the last (up to) 100 training
	// episodes, played by the stochastic policy; NaN if none ended.
	MeanReturn float64
}

// returnWindow is how many recent training episodes the progress line
// averages, like Stable-Baselines3's ep_rew_mean.
const returnWindow = 100

// Train trains a PPO teacher on a registered environment and writes one
// progress line per update to progress (which may be nil). The same
// envID, cfg and seed give the same model, bit for bit.
func Train(envID string, cfg Config, progress io.Writer) (*Model, Result, error) {
	if err := cfg.Validate(); err != nil {
		return nil, Result{}, err
	}
	venv, err := framework.MakeVectorEnv(envID, cfg.NumEnvs)
	if err != nil {
		return nil, Result{}, err
	}
	defer venv.Close()
	return TrainVector(venv, cfg, progress)
}

// TrainVector is Train on a given vector environment (cfg.NumEnvs is
// ignored in favour of its number of copies). It follows CleanRL's
// ppo.py / ppo_continuous_action.py step for step: collect a rollout,
// compute GAE advantages, then optimise the clipped surrogate for a few
// epochs of shuffled minibatches.
func TrainVector(venv framework.VectorEnv, cfg Config, progress io.Writer) (*Model, Result, error) {
	return TrainWith(venv, cfg, Options{Progress: progress})
}

// Options are TrainWith's optional outputs and hooks.
type Options struct {
	// Progress gets one line per update (nil: none).
	Progress io.Writer
	// Eval, when set, is called with the model after every EvalEvery
	// updates and after the last one, for instance to measure the
	// deterministic policy on held-out seeds and keep the best model. It
	// must not change the model; an error stops training. It draws
	// nothing from the training's random streams, so a run with and
	// without it trains the same model.
	Eval      func(m *Model, update, steps int) error
	EvalEvery int
}

// TrainWith is TrainVector with periodic evaluation.
func TrainWith(venv framework.VectorEnv, cfg Config, opt Options) (*Model, Result, error) {
	cfg.NumEnvs = venv.NumEnvs()
	if err := cfg.Validate(); err != nil {
		return nil, Result{}, err
	}
	progress := opt.Progress
	if progress == nil {
		progress = io.Discard
	}
	spec := venv.Spec()
	rng := rand.New(rand.NewPCG(cfg.Seed, 0x5eed_9905))
	model, err := newModel(spec, cfg.Hidden, cfg.NormObs, cfg.InitLogStd, rng)
	if err != nil {
		return nil, Result{}, err
	}
	discrete, _ := spec.ActionSpace.(*framework.Discrete)
	box, _ := spec.ActionSpace.(*framework.Box)

	var (
		N       = cfg.NumEnvs
		T       = cfg.RolloutSteps
		B       = N * T
		od      = spec.ObservationSpace.Dim()
		ad      = spec.ActionSpace.Dim()
		ao      = actorOutputs(spec.ActionSpace)
		updates = (cfg.TotalSteps + B - 1) / B
	)

	// Rollout storage, step-major: transition t of copy j is row t*N+j.
	var (
		obsBuf  = make([]float64, B*od) // the networks' (normalised) inputs
		actBuf  = make([]float64, B*ad) // sampled actions (unclipped)
		logpBuf = make([]float64, B)
		rewBuf  = make([]float64, B)
		doneBuf = make([]float64, B) // 1 when the episode ended at this step
		valBuf  = make([]float64, B)
		advBuf  = make([]float64, B)
		retBuf  = make([]float64, B)
	)

	// One optimiser over actor, critic and log-std: a single flat gradient
	// (so the norm clip is global, as with one torch optimiser) and Adam
	// moments laid out the same way.
	actorP, criticP := model.actor.Params(), model.critic.Params()
	nA, nC, nL := len(actorP), len(criticP), len(model.logStd)
	grads := make([]float64, nA+nC+nL)
	gActor, gCritic, gLogStd := grads[:nA], grads[nA:nA+nC], grads[nA+nC:]
	mom1, mom2 := make([]float64, len(grads)), make([]float64, len(grads))
	adamSteps := 0

	// Per-step scratch.
	var (
		obs       = make([]float64, N*od) // raw observations of the copies
		x         = make([]float64, N*od)
		envAct    = make([]float64, N*ad)
		finalX    = make([]float64, od)
		epReturn  = make([]float64, N)
		recent    []float64
		nextValue = make([]float64, N)
		lastGAE   = make([]float64, N)
	)
	// Reward scaling state: each copy's running discounted return, and the
	// running variance of those returns.
	var (
		discReturn = make([]float64, N)
		returnRMS  = newObsNorm(1)
	)
	first, err := venv.Reset(framework.Seed(cfg.Seed))
	if err != nil {
		return nil, Result{}, fmt.Errorf("reset %s: %w", spec.ID, err)
	}
	copy(obs, first)

	// normalise writes the network input for raw observations into dst.
	normalise := func(raw, dst []float64, n int) {
		if model.norm != nil {
			model.norm.apply(raw, dst, n)
		} else {
			copy(dst, raw[:n*od])
		}
	}

	start := time.Now()
	steps := 0
	for update := 1; update <= updates; update++ {
		lr := cfg.LearningRate
		if cfg.AnnealLR {
			lr *= 1 - float64(update-1)/float64(updates)
		}

		// 1. Rollout: T steps of every copy with the stochastic policy.
		for t := 0; t < T; t++ {
			if model.norm != nil {
				model.norm.update(obs, N)
			}
			normalise(obs, x, N)
			copy(obsBuf[t*N*od:], x)
			out := model.actor.Forward(x, N)
			for j := 0; j < N; j++ {
				row := out[j*ao : (j+1)*ao]
				a := actBuf[(t*N+j)*ad : (t*N+j+1)*ad]
				logpBuf[t*N+j] = sample(row, model.logStd, discrete != nil, rng, a)
			}
			v := model.critic.Forward(x, N)
			copy(valBuf[t*N:], v)

			copy(envAct, actBuf[t*N*ad:(t+1)*N*ad])
			switch {
			case discrete != nil:
				for j := range envAct {
					envAct[j] += float64(discrete.Start)
				}
			case box != nil: // the Gaussian is unbounded, the env is not
				for i := range envAct {
					envAct[i] = clamp(envAct[i], box.Low[i%ad], box.High[i%ad])
				}
			}
			st, err := venv.Step(envAct)
			if err != nil {
				return nil, Result{}, fmt.Errorf("step %s: %w", spec.ID, err)
			}
			steps += N
			if cfg.NormReward {
				for j := 0; j < N; j++ {
					discReturn[j] = discReturn[j]*cfg.Gamma + st.Rewards[j]
				}
				returnRMS.update(discReturn, N)
			}
			for j := 0; j < N; j++ {
				epReturn[j] += st.Rewards[j]
				r := st.Rewards[j]
				if cfg.NormReward {
					r = clamp(r/math.Sqrt(returnRMS.Var[0]+normEpsilon), -obsClip, obsClip)
					if st.Terminated[j] || st.Truncated[j] {
						discReturn[j] = 0
					}
				}
				if st.Terminated[j] || st.Truncated[j] {
					doneBuf[t*N+j] = 1
					recent = append(recent, epReturn[j])
					epReturn[j] = 0
				} else {
					doneBuf[t*N+j] = 0
				}
				// A time limit is not a terminal state: the return goes on
				// beyond it, so bootstrap with the value of the final
				// observation (Stable-Baselines3's handling of truncation).
				if st.Truncated[j] && !st.Terminated[j] && cfg.Gamma > 0 {
					normalise(st.FinalObs[j*od:(j+1)*od], finalX, 1)
					r += cfg.Gamma * model.critic.Forward(finalX, 1)[0]
				}
				rewBuf[t*N+j] = r
			}
			copy(obs, st.Obs)
		}
		if len(recent) > returnWindow {
			recent = recent[len(recent)-returnWindow:]
		}

		// 2. Advantages by GAE(λ), bootstrapped from the value of the
		// observation after the rollout.
		normalise(obs, x, N)
		copy(nextValue, model.critic.Forward(x, N))
		clear(lastGAE)
		for t := T - 1; t >= 0; t-- {
			for j := 0; j < N; j++ {
				i := t*N + j
				next := nextValue[j]
				if t < T-1 {
					next = valBuf[i+N]
				}
				nonTerminal := 1 - doneBuf[i]
				delta := rewBuf[i] + cfg.Gamma*next*nonTerminal - valBuf[i]
				lastGAE[j] = delta + cfg.Gamma*cfg.Lambda*nonTerminal*lastGAE[j]
				advBuf[i] = lastGAE[j]
				retBuf[i] = advBuf[i] + valBuf[i]
			}
		}

		// 3. Optimise the clipped surrogate, value loss and entropy bonus.
		stats := optimise(model, cfg, rng, lr, batch{obs: obsBuf, act: actBuf, logp: logpBuf, adv: advBuf, ret: retBuf, val: valBuf, n: B},
			grads, gActor, gCritic, gLogStd, mom1, mom2, &adamSteps)

		elapsed := time.Since(start).Seconds()
		fmt.Fprintf(progress, "update %d/%d  steps %d  return %s  policy loss %.4f  value loss %.4f  entropy %.3f  kl %.4f  clipfrac %.3f  %.0f steps/s\n",
			update, updates, steps, fmtReturn(recent), stats.pg, stats.v, stats.ent, stats.kl, stats.clipFrac, float64(steps)/math.Max(elapsed, 1e-9))
		if opt.Eval != nil && (update == updates || opt.EvalEvery > 0 && update%opt.EvalEvery == 0) {
			if err := opt.Eval(model, update, steps); err != nil {
				return nil, Result{}, fmt.Errorf("evaluation after update %d: %w", update, err)
			}
		}
	}
	res := Result{Steps: steps, Updates: updates, MeanReturn: math.NaN()}
	if len(recent) > 0 {
		res.MeanReturn = mean(recent)
	}
	return model, res, nil
}

// batch is one update's data, flat and step-major.
type batch struct {
	obs, act, logp, adv, ret, val []float64
	n                             int
}

// lossStats are averages over an update's minibatches, for the progress
// line.
type lossStats struct{ pg, v, ent, kl, clipFrac float64 }

// optimise runs cfg.Epochs epochs over b in cfg.Minibatches shuffled
// minibatches, one Adam step each.
func optimise(model *Model, cfg Config, rng *rand.Rand, lr float64, b batch,
	grads, gActor, gCritic, gLogStd, mom1, mom2 []float64, adamSteps *int) lossStats {
	od := model.obsSpace.Dim()
	ad := model.actSpace.Dim()
	ao := actorOutputs(model.actSpace)
	discrete := isDiscrete(model.actSpace)
	opt := framework.Adam{LearningRate: lr, Beta1: 0.9, Beta2: 0.999, Epsilon: 1e-5}
	nA, nC := len(gActor), len(gCritic)

	perm := make([]int, b.n)
	for i := range perm {
		perm[i] = i
	}
	maxMB := (b.n + cfg.Minibatches - 1) / cfg.Minibatches
	var (
		x      = make([]float64, maxMB*od)
		act    = make([]float64, maxMB*ad)
		adv    = make([]float64, maxMB)
		gOut   = make([]float64, maxMB*ao)
		gValue = make([]float64, maxMB)
		newLP  = make([]float64, maxMB)
		ent    = make([]float64, maxMB)
		stats  lossStats
		count  int
	)
	for epoch := 0; epoch < cfg.Epochs; epoch++ {
		rng.Shuffle(len(perm), func(i, j int) { perm[i], perm[j] = perm[j], perm[i] })
		for k := 0; k < cfg.Minibatches; k++ {
			idx := perm[k*b.n/cfg.Minibatches : (k+1)*b.n/cfg.Minibatches]
			m := len(idx)
			if m == 0 {
				continue
			}
			for r, i := range idx {
				copy(x[r*od:(r+1)*od], b.obs[i*od:(i+1)*od])
				copy(act[r*ad:(r+1)*ad], b.act[i*ad:(i+1)*ad])
				adv[r] = b.adv[i]
			}
			if cfg.NormAdv && m > 1 {
				mu, sd := mean(adv[:m]), std(adv[:m])
				for r := range adv[:m] {
					adv[r] = (adv[r] - mu) / (sd + 1e-8)
				}
			}

			// Policy: forward, then dLoss/d(actor outputs) and d/d(log std).
			out := model.actor.Forward(x[:m*od], m)
			clear(gLogStd)
			for r := 0; r < m; r++ {
				newLP[r], ent[r] = logProbEntropy(out[r*ao:(r+1)*ao], model.logStd, act[r*ad:(r+1)*ad], discrete)
			}
			var pgLoss, entMean, kl, clipped float64
			for r, i := range idx {
				logRatio := newLP[r] - b.logp[i]
				ratio := math.Exp(logRatio)
				kl += (ratio - 1) - logRatio
				if math.Abs(ratio-1) > cfg.ClipCoef {
					clipped++
				}
				pg1 := -adv[r] * ratio
				pg2 := -adv[r] * clamp(ratio, 1-cfg.ClipCoef, 1+cfg.ClipCoef)
				pgLoss += math.Max(pg1, pg2)
				entMean += ent[r]
				// d(mean of max(pg1, pg2))/d(log π): only the unclipped term
				// has a gradient (dratio/dlogπ = ratio).
				dLogP := 0.0
				if pg1 >= pg2 {
					dLogP = -adv[r] * ratio / float64(m)
				}
				dEnt := -cfg.EntCoef / float64(m)
				logProbEntropyGrad(out[r*ao:(r+1)*ao], model.logStd, act[r*ad:(r+1)*ad], discrete, dLogP, dEnt,
					gOut[r*ao:(r+1)*ao], gLogStd)
			}
			model.actor.Backward(gOut[:m*ao], gActor)

			// Value: (clipped) squared error to the GAE returns.
			v := model.critic.Forward(x[:m*od], m)
			var vLoss float64
			for r, i := range idx {
				diff := v[r] - b.ret[i]
				lossU := diff * diff
				g := diff
				if cfg.ClipValueLoss {
					dv := clamp(v[r]-b.val[i], -cfg.ClipCoef, cfg.ClipCoef)
					diffC := b.val[i] + dv - b.ret[i]
					if lossC := diffC * diffC; lossC > lossU {
						lossU = lossC
						g = 0
						if math.Abs(v[r]-b.val[i]) < cfg.ClipCoef {
							g = diffC
						}
					}
				}
				vLoss += 0.5 * lossU
				gValue[r] = cfg.VFCoef * g / float64(m)
			}
			model.critic.Backward(gValue[:m], gCritic)

			// One Adam step on everything, after a global norm clip.
			if cfg.MaxGradNorm > 0 {
				adam.ClipNorm(grads, cfg.MaxGradNorm)
			}
			*adamSteps++
			adam.Update(opt, *adamSteps, model.actor.Params(), gActor, mom1[:nA], mom2[:nA])
			adam.Update(opt, *adamSteps, model.critic.Params(), gCritic, mom1[nA:nA+nC], mom2[nA:nA+nC])
			if len(gLogStd) > 0 {
				adam.Update(opt, *adamSteps, model.logStd, gLogStd, mom1[nA+nC:], mom2[nA+nC:])
			}

			fm := float64(m)
			stats.pg += pgLoss / fm
			stats.v += vLoss / fm
			stats.ent += entMean / fm
			stats.kl += kl / fm
			stats.clipFrac += clipped / fm
			count++
		}
	}
	if count > 0 {
		c := float64(count)
		stats.pg, stats.v, stats.ent, stats.kl, stats.clipFrac = stats.pg/c, stats.v/c, stats.ent/c, stats.kl/c, stats.clipFrac/c
	}
	return stats
}

func isDiscrete(s framework.Space) bool {
	_, ok := s.(*framework.Discrete)
	return ok
}

// halfLog2Pi is ½·log(2π), the Gaussian's normalising constant per
// dimension.
var halfLog2Pi = 0.5 * math.Log(2*math.Pi)

// sample draws an action from the policy given the actor's outputs (logits,
// or the mean with logStd) into a (the class index, without the space's
// Start, or the unclipped Gaussian sample) and returns its log-probability.
func sample(out, logStd []float64, discrete bool, rng *rand.Rand, a []float64) float64 {
	if discrete {
		// Inverse CDF on the softmax, computed stably.
		mx := out[argmax(out)]
		sum := 0.0
		for _, z := range out {
			sum += math.Exp(z - mx)
		}
		u := rng.Float64() * sum
		k := len(out) - 1
		acc := 0.0
		for i, z := range out {
			acc += math.Exp(z - mx)
			if u < acc {
				k = i
				break
			}
		}
		a[0] = float64(k)
		return out[k] - mx - math.Log(sum)
	}
	lp := 0.0
	for d := range a {
		eps := rng.NormFloat64()
		a[d] = out[d] + math.Exp(logStd[d])*eps
		lp += -0.5*eps*eps - logStd[d] - halfLog2Pi
	}
	return lp
}

// logProbEntropy returns log π(a) and the policy's entropy for one row.
func logProbEntropy(out, logStd, a []float64, discrete bool) (float64, float64) {
	if discrete {
		mx := out[argmax(out)]
		sum := 0.0
		for _, z := range out {
			sum += math.Exp(z - mx)
		}
		lse := mx + math.Log(sum)
		h := 0.0
		for _, z := range out {
			lp := z - lse
			h -= math.Exp(lp) * lp
		}
		return out[int(a[0])] - lse, h
	}
	lp, h := 0.0, 0.0
	for d := range a {
		z := (a[d] - out[d]) / math.Exp(logStd[d])
		lp += -0.5*z*z - logStd[d] - halfLog2Pi
		h += 0.5 + halfLog2Pi + logStd[d]
	}
	return lp, h
}

// logProbEntropyGrad writes into gOut the gradient with respect to the
// actor's outputs of dLogP·log π(a) + dEnt·H, and adds its gradient with
// respect to the log standard deviations to gLogStd.
//
// Categorical: ∂log π(a)/∂z_k = [k = a] − p_k and ∂H/∂z_k = −p_k(log p_k + H).
// Gaussian: ∂log π/∂μ = (a−μ)/σ², ∂log π/∂log σ = (a−μ)²/σ² − 1 and
// ∂H/∂log σ = 1.
func logProbEntropyGrad(out, logStd, a []float64, discrete bool, dLogP, dEnt float64, gOut, gLogStd []float64) {
	if discrete {
		mx := out[argmax(out)]
		sum := 0.0
		for _, z := range out {
			sum += math.Exp(z - mx)
		}
		lse := mx + math.Log(sum)
		h := 0.0
		for _, z := range out {
			lp := z - lse
			h -= math.Exp(lp) * lp
		}
		k := int(a[0])
		for i, z := range out {
			lp := z - lse
			p := math.Exp(lp)
			g := -p * dLogP
			if i == k {
				g += dLogP
			}
			gOut[i] = g + dEnt*(-p*(lp+h))
		}
		return
	}
	for d := range a {
		inv := math.Exp(-2 * logStd[d])
		diff := a[d] - out[d]
		gOut[d] = dLogP * diff * inv
		gLogStd[d] += dLogP*(diff*diff*inv-1) + dEnt
	}
}

func mean(xs []float64) float64 {
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}

// std is the sample (n−1) standard deviation, torch.Tensor.std's default,
// which CleanRL uses to normalise advantages; len(xs) must exceed 1.
func std(xs []float64) float64 {
	m := mean(xs)
	s := 0.0
	for _, x := range xs {
		s += (x - m) * (x - m)
	}
	return math.Sqrt(s / float64(len(xs)-1))
}

func fmtReturn(recent []float64) string {
	if len(recent) == 0 {
		return "-"
	}
	return fmt.Sprintf("%.1f", mean(recent))
}

// randFor returns a generator for seed, for code paths whose draws are
// overwritten (loading) or must be reproducible.
func randFor(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 0x5eed_9905)) }
