// Package stats computes the numbers behind arena's result tables: per-run
// scores, per-student summaries across seeds, aggregates across
// environments and the probability that one student beats another, each
// with a seeded, reproducible bootstrap confidence interval. It follows
// rliable, the library of Agarwal et al., "Deep Reinforcement Learning at
// the Edge of the Statistical Precipice" (NeurIPS 2021).
//
// # Layout of scores
//
// A score matrix is scores[task][run]: one row per environment, one entry
// per run (seed). The row is the bootstrap's stratum. Rows may differ in
// length; rliable requires equal lengths, and with equal lengths every
// function here agrees with it.
//
// # Per run
//
// The normalised score of a return R is
//
//	s = (R − R_random) / (R_teacher − R_random)
//
// so the random policy scores 0 and the teacher 1, on any environment
// (NormalizedScore). The area under the normalised learning curve, with
// evaluations s_0..s_K at environment steps t_0 < … < t_K, is the trapezoid
// rule divided by the step span, i.e. the curve's mean height:
//
//	AUC = Σ_k (t_{k+1} − t_k)(s_k + s_{k+1})/2 / (t_K − t_0)
//
// It lies on the score's own scale (a curve at the teacher's level all
// along gives 1), so it can be summarised like a final score (CurveAUC).
//
// A run's final return is the Mean of its evaluation episodes with their
// PopulationStd (divide by n): the episodes are the whole set being
// described, and this is numpy's and Stable-Baselines3's evaluate_policy
// convention. Spread across seeds uses SampleStd (divide by n − 1), an
// estimate of the seed-to-seed spread of the population the seeds were
// drawn from; it is undefined (NaN) for a single seed.
//
// # Across runs
//
// The interquartile mean is scipy.stats.trim_mean(x, 0.25), which rliable's
// aggregate_iqm calls on the flattened score matrix: sort the n values, cut
// k = ⌊n/4⌋ from each end (nothing for n < 4), and average the rest (IQM,
// PooledIQM). The optimality gap at threshold γ (γ = 1 for normalised
// scores) is
//
//	gap = (1/n) Σ_i max(γ − x_i, 0)
//
// equal to rliable's γ − mean(min(x, γ)) (OptimalityGap). The median is
// numpy.median of the pooled scores (Median). A performance profile is, at
// each threshold τ, the fraction of pooled scores strictly above τ,
// rliable's run-score distribution (FractionAbove, PerformanceProfile). The
// probability
// of improvement of X over Y is, on each task with runs x_1..x_n and
// y_1..y_m,
//
//	P_t = (1/(n·m)) Σ_i Σ_j ( [x_i > y_j] + ½·[x_i = y_j] ) = U/(n·m)
//
// the Mann–Whitney U statistic of x against y over n·m, and the result is
// the mean of P_t over tasks (ProbabilityOfImprovement).
//
// # Confidence intervals
//
// Intervals come from the stratified bootstrap with the percentile method,
// rliable's default (BootstrapCI, Options). Each of the reps resamples
// draws, for every task independently, as many runs as the task has, with
// replacement, from that task's own runs; the statistic is computed on the
// resampled matrix. The interval is the α/2 and 1 − α/2 quantiles of the
// reps replicates, interpolated linearly as numpy.percentile does: sorted
// replicates v_0 ≤ … ≤ v_{B−1}, quantile q at position h = (B − 1)q. The
// default is B = 2000 and α = 0.05 (a 95% interval). For the probability
// of improvement, x and y are each resampled independently, within each
// task, as rliable's StratifiedIndependentBootstrap does
// (TwoSampleBootstrapCI).
//
// A bootstrap is seeded: the random numbers come from math/rand/v2's PCG
// with the given seed, mapped to run indices by Lemire's unbiased method,
// so the same data, statistic, reps and seed give bit-identical intervals
// on every platform and Go release. They are not numpy's draws,
// so intervals agree with rliable's in distribution, not in digits. With a
// single run per task every resample equals the data, and the interval
// collapses to the point estimate. With few runs per task the interval
// means little for a subtler reason: n runs allow only C(2n−1, n) distinct
// resamples of a task (10 for 3 runs), so below MinReliableRuns a report
// should say its intervals are not to be trusted.
//
// # Bad input
//
// The plain estimators (Mean, PopulationStd, SampleStd, IQM,
// OptimalityGap, ProbabilityOfImprovement, PooledIQM) never fail: they
// return NaN for empty input, for an undefined value (SampleStd of one
// value, mismatched task counts) and whenever an input is NaN, so a bad
// number cannot silently turn into a plausible one. The functions that
// return an error (NormalizedScore, NormalizeScores, CurveAUC, BootstrapCI,
// TwoSampleBootstrapCI, Summarize, ImprovementProbability) reject empty
// input, empty tasks and any NaN or infinite value with an error that
// wraps ErrEmpty, ErrNonFinite or ErrInvalid; they never panic.
package stats
