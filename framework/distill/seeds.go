package distill

// EvalSeedBase is the default first held-out reset seed: episode i of
// every evaluation resets with EvalSeedBase+i unless Config.EvalSeed says
// otherwise (it may only move the seeds up). Training copies start from
// seeds below it (see Seeds), so no evaluation episode is ever a training
// episode's start.
const EvalSeedBase uint64 = 1_000_000_000

// Seeds records every seed a run used, all derived from the run's seed.
type Seeds struct {
	// Run is the run's seed.
	Run uint64 `json:"run"`
	// TrainReset is the reset seed of the first training copy: copy i
	// starts with TrainReset+i and later episodes continue its stream, as
	// Gymnasium's autoreset does. It lies below EvalSeedBase-65536.
	TrainReset uint64 `json:"train_reset"`
	// Eval is the first evaluation reset seed (Config.FirstEvalSeed).
	Eval uint64 `json:"eval"`
	// Behaviour seeds the per-step, per-copy draws of teacher or student.
	Behaviour uint64 `json:"behaviour"`
	// Minibatch seeds the uniform draws of minibatches from the buffer.
	Minibatch uint64 `json:"minibatch"`
	// Random seeds the random policy of the baseline return.
	Random uint64 `json:"random"`
}

// DeriveSeeds spreads the run seed into independent streams with
// SplitMix64, so nearby run seeds (0, 1, 2, ...) give unrelated streams and
// training reset seeds that almost never overlap; the evaluation seed is
// cfg's (Config.FirstEvalSeed).
func DeriveSeeds(run uint64, cfg Config) Seeds {
	return Seeds{
		Run:        run,
		TrainReset: splitmix64(run^0x7472_6169_6e00) % (EvalSeedBase - maxEnvs),
		Eval:       cfg.FirstEvalSeed(),
		Behaviour:  splitmix64(run ^ 0x6265_6861_7600),
		Minibatch:  splitmix64(run ^ 0x6261_7463_6800),
		Random:     splitmix64(run ^ 0x7261_6e64_6f6d),
	}
}

// splitmix64 is Steele, Lea and Flood's SplitMix64 finaliser.
func splitmix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}
