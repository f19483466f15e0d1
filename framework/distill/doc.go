// Package distill is arena's one distillation protocol: it trains a student
// from a teacher on an environment and measures it, the same way for every
// student, so their numbers can be compared.
//
// A run (Run.Execute) works only through framework's interfaces (VectorEnv,
// Teacher, Student, Policy), so each part may be in-process or a plugin.
//
//   - Rollouts: Config.Envs copies of the environment step together. At
//     every step, for every copy, the behaviour action is the teacher's with
//     probability β (one seeded Bernoulli draw per copy per step) and the
//     student's otherwise. Every visited state is labelled by the teacher
//     (its action, plus its probabilities or Gaussian mean and std when it
//     gives them).
//   - Schedule: β = 1 always ("teacher", behaviour cloning on the teacher's
//     states), β = decay^round ("dagger"), or β = 1 in round 0 and 0 after
//     ("student").
//   - Data: samples go into a ring buffer of BufferSize; when full, the
//     oldest is overwritten.
//   - Training: a round collects RoundSteps labelled environment steps
//     (summed over copies), then makes UpdatesPerRound calls of
//     Student.Train on minibatches of BatchSize drawn uniformly, with
//     replacement, from the buffer. A structural student sees every update
//     inside Train.
//   - Budget: the run ends after exactly EnvSteps labelled environment
//     steps. A vector step labels all copies at once; when a round, an
//     evaluation point or the budget ends inside one, the rest of its rows
//     wait for the next round (or, at the end, are dropped), so no setting
//     has to be a multiple of Envs.
//   - Evaluation: the deterministic student plays EvalEpisodes episodes at 0
//     env steps, every EvalEvery env steps, and at the end. A point due
//     inside a round measures the student as it is then; a point that falls
//     on a round's end comes after that round's training. The final
//     evaluation plays FinalEvalEpisodes episodes, and the teacher and a
//     seeded random policy play the same episodes, giving the two ends of
//     the normalised score. The curve's evaluations and the random policy
//     run on max(Envs, min(EvalEpisodes, 64)) copies, the final evaluation
//     and the teacher on max(that, min(FinalEvalEpisodes, 128)); the
//     deterministic student's and teacher's scores do not depend on those
//     numbers, the random policy's (one draw per copy per step from one
//     stream) does, as it does on the run seed.
//
// Overlap. None of this changes a number, but it keeps a run whose parts
// are plugin processes off its round trips: the student acts while the
// teacher labels the same states (a framework.ActStarter in two halves
// around Label); a state is labelled at once only when a copy of its step
// behaves as the teacher, otherwise with the other waiting states in one
// call by the round's end (policies act on each row alone, so the labels
// are the same); a framework.BatchTrainer gets a round's minibatches in
// one call; with Run.StudentCopy the curve's evaluations play a copy
// loaded from the student's checkpoint, during the next training, while
// the student goes on; the vector environments are made at once. Each
// overlap is a small type in a file of its own (act.go, pending.go,
// evaluate.go, prefetch.go) around the plain protocol of protocol.go, and
// distilltest.Reference, this comment written out call by call with none
// of them, is what the tests hold Execute to, bit for bit.
//
// Seeds. Episode i of every evaluation resets with EvalSeedBase+i
// (1,000,000,000+i; Config.EvalSeed+i when set, for evaluation states no
// earlier match saw), the same for every run and every student of a match,
// so periodic points are comparable over training, and the teacher's return
// depends only on the environment (the random policy's also on the run seed
// and the evaluation vector's size), never on the student. Training copy i resets once
// with TrainReset+i, TrainReset derived from the run seed by SplitMix64 and
// below EvalSeedBase−65536; later training episodes continue each copy's
// random stream (Gymnasium's autoreset), so no evaluation episode starts
// from a training reset seed. The β draws, the minibatch draws and the
// random baseline have their own streams derived from the run seed (see
// Seeds). Two runs with the same seed and the same parts give bit-identical
// results, Timing aside.
package distill
