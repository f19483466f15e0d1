package studenttest

import (
	"fmt"

	"github.com/smgrnn/arena/framework"
)

// Trace runs a small distillation loop for steps vector steps — the
// teacher labels the current observations, the student trains on them,
// acts, and the environment steps — and records every number it sees:
// observations, losses, labels (actions, probabilities, Gaussians), the
// student's actions, rewards, ends of episodes with their final
// observations, and the student's size at the end. Two runs of the same
// components (in process and through a plugin, say) must give equal
// traces, bit for bit.
func Trace(vec framework.VectorEnv, teacher framework.Teacher, student framework.Student, seed uint64, steps int) ([]float64, error) {
	n := vec.NumEnvs()
	obsDim := vec.Spec().ObservationSpace.Dim()
	obs, err := vec.Reset(framework.Seed(seed))
	if err != nil {
		return nil, fmt.Errorf("reset: %w", err)
	}
	rec := append([]float64(nil), obs...)
	actions := make([]float64, n*vec.Spec().ActionSpace.Dim())
	var labels framework.Labels
	for step := range steps {
		if err := teacher.Label(obs, n, &labels); err != nil {
			return nil, fmt.Errorf("step %d: label: %w", step, err)
		}
		loss, err := student.Train(framework.Batch{Obs: obs, N: n, Labels: labels})
		if err != nil {
			return nil, fmt.Errorf("step %d: train: %w", step, err)
		}
		if err := student.Act(obs, n, actions); err != nil {
			return nil, fmt.Errorf("step %d: act: %w", step, err)
		}
		st, err := vec.Step(actions)
		if err != nil {
			return nil, fmt.Errorf("step %d: env: %w", step, err)
		}
		obs = st.Obs
		rec = append(rec, loss)
		rec = append(rec, labels.Actions...)
		rec = append(rec, labels.Probs...)
		rec = append(rec, labels.Mean...)
		rec = append(rec, labels.Std...)
		rec = append(rec, actions...)
		rec = append(rec, st.Obs...)
		rec = append(rec, st.Rewards...)
		for i := range n {
			if st.Terminated[i] || st.Truncated[i] {
				term := 0.0
				if st.Terminated[i] {
					term = 1
				}
				rec = append(rec, float64(i), term)
				rec = append(rec, st.FinalObs[i*obsDim:(i+1)*obsDim]...)
			}
		}
	}
	size := student.Size()
	return append(rec, float64(size.Params), float64(size.Hidden), float64(size.Edges)), nil
}
