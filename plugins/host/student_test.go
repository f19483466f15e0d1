package host

import (
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/smgrnn/arena/framework"
	"github.com/smgrnn/arena/plugins/internal/toy"
)

// toyBatches returns k different minibatches of 8 toy observations.
func toyBatches(k int) []framework.Batch {
	out := make([]framework.Batch, k)
	for i := range out {
		b := framework.Batch{N: 8, Obs: make([]float64, 16), Labels: framework.Labels{Actions: make([]float64, 8)}}
		for j := range 8 {
			b.Obs[2*j] = math.Sin(float64(i*8 + j))
			b.Obs[2*j+1] = math.Cos(float64(3*i + j))
			b.Labels.Actions[j] = float64((i + j) % 2)
		}
		out[i] = b
	}
	return out
}

func toyStudentConfig() framework.StudentConfig {
	spec := toy.NewEnv().Spec()
	return framework.StudentConfig{ObservationSpace: spec.ObservationSpace, ActionSpace: spec.ActionSpace,
		Adam: framework.DefaultAdam(), Seed: 3}
}

// TestTrainBatches checks that a plugin's TrainBatches gives the losses
// and the size that one Train call per minibatch gives, in process and
// through a plugin, that an older plugin's student (one Train call each)
// gives them too, and that a failing minibatch stops the call where it
// failed with the plugin's message.
func TestTrainBatches(t *testing.T) {
	h := newTestHost(t, Options{BuiltinCommand: []string{testPlugin, "-fault=serve"}, CallTimeout: 5 * time.Second})
	batches := toyBatches(5)
	cfg := toyStudentConfig()

	want := make([]float64, len(batches))
	inProc, err := toy.NewStudent(cfg)
	if err != nil {
		t.Fatal(err)
	}
	for i, b := range batches {
		if want[i], err = inProc.Train(b); err != nil {
			t.Fatal(err)
		}
	}

	p := h.Builtin(false).(*pluginProvider)
	s, err := p.MakeStudent(toy.StudentKind, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer closeIfCloser(s)
	c, err := p.conn()
	if err != nil {
		t.Fatal(err)
	}
	old, err := newStudent(c, toy.StudentKind, cfg, false) // as for a plugin of minor 1
	if err != nil {
		t.Fatal(err)
	}
	defer closeIfCloser(old)
	for name, st := range map[string]framework.Student{"minor 2": s, "minor 1": old} {
		bt, ok := st.(framework.BatchTrainer)
		if !ok {
			t.Fatalf("%s: plugin student %T is not a framework.BatchTrainer", name, st)
		}
		got := make([]float64, len(batches))
		done, err := bt.TrainBatches(batches, got)
		if err != nil || done != len(batches) {
			t.Fatalf("%s: TrainBatches: %d done, %v", name, done, err)
		}
		for i := range want {
			if math.Float64bits(got[i]) != math.Float64bits(want[i]) {
				t.Errorf("%s: loss %d is %v, one Train call each gives %v", name, i, got[i], want[i])
			}
		}
		if st.Size() != inProc.Size() {
			t.Errorf("%s: size %+v, want %+v", name, st.Size(), inProc.Size())
		}
	}
	hostStudent := func(st framework.Student) *Student {
		if ss, ok := st.(StructuralStudent); ok {
			return ss.Student
		}
		return st.(*Student)
	}
	if hostStudent(s).batches == nil || hostStudent(old).batches != nil {
		t.Error("the minor 2 student should use TrainBatches and the minor 1 student should not")
	}

	// Minibatch 2 has too few labels: the plugin trains 0 and 1, then
	// stops with its own message.
	bad := toyBatches(4)
	bad[2].Labels.Actions = bad[2].Labels.Actions[:3]
	losses := make([]float64, len(bad))
	done, err := s.(framework.BatchTrainer).TrainBatches(bad, losses)
	if done != 2 || err == nil || !strings.Contains(err.Error(), "3 action labels") ||
		!strings.Contains(err.Error(), "Student.TrainBatches") {
		t.Errorf("bad minibatch 2: %d done, error %v", done, err)
	}
}

// TestTrainBatchesNaN checks that a NaN loss inside TrainBatches is a
// malformed reply naming the call.
func TestTrainBatchesNaN(t *testing.T) {
	h := newTestHost(t, Options{BuiltinCommand: []string{testPlugin, "-fault=nan-loss"}, CallTimeout: 5 * time.Second})
	s, err := h.Builtin(false).MakeStudent(toy.StudentKind, toyStudentConfig())
	if err != nil {
		t.Fatal(err)
	}
	defer closeIfCloser(s)
	batches := toyBatches(3)
	_, err = s.(framework.BatchTrainer).TrainBatches(batches, make([]float64, 3))
	if err == nil || !strings.Contains(err.Error(), "NaN") || !strings.Contains(err.Error(), "Student.TrainBatches") {
		t.Errorf("NaN loss: %v", err)
	}
}

// TestSplitAct checks that StartAct then FinishAct gives what Act gives,
// over a channel and over unary calls, and that the split refuses to be
// misused: a second start or an Act while one is in flight, a finish with
// none.
func TestSplitAct(t *testing.T) {
	cfg := toyStudentConfig()
	inProc, err := toy.NewStudent(cfg)
	if err != nil {
		t.Fatal(err)
	}
	obs := toyBatches(1)[0].Obs
	want := make([]float64, 8)
	if err := inProc.Act(obs, 8, want); err != nil {
		t.Fatal(err)
	}
	for _, mode := range []struct {
		name string
		args []string
	}{
		{"channel", []string{"-fault=serve"}},
		{"unary", []string{"-fault=none", "-no-channel"}},
	} {
		t.Run(mode.name, func(t *testing.T) {
			h := newTestHost(t, Options{BuiltinCommand: append([]string{testPlugin}, mode.args...), CallTimeout: 5 * time.Second})
			s, err := h.Builtin(false).MakeStudent(toy.StudentKind, cfg)
			if err != nil {
				t.Fatal(err)
			}
			defer closeIfCloser(s)
			st, ok := s.(framework.ActStarter)
			if !ok {
				t.Fatalf("plugin student %T is not a framework.ActStarter", s)
			}
			if err := st.FinishAct(make([]float64, 8)); err == nil || !strings.Contains(err.Error(), "no call in flight") {
				t.Errorf("FinishAct with nothing started: %v", err)
			}
			for round := range 3 {
				if err := st.StartAct(obs, 8); err != nil {
					t.Fatal(err)
				}
				if round == 0 {
					if err := st.Act(obs, 8, make([]float64, 8)); err == nil || !strings.Contains(err.Error(), "in flight") {
						t.Errorf("Act during a split one: %v", err)
					}
					// A refused start of fewer rows must not change the
					// rows the finish checks.
					if err := st.StartAct(obs[:6], 3); err == nil || !strings.Contains(err.Error(), "in flight") {
						t.Errorf("a second StartAct: %v", err)
					}
				}
				got := make([]float64, 8)
				if err := st.FinishAct(got); err != nil {
					t.Fatal(err)
				}
				if !slices.Equal(got, want) {
					t.Errorf("round %d: split Act gave %v, Act in process %v", round, got, want)
				}
			}
			got := make([]float64, 8)
			if err := st.Act(obs, 8, got); err != nil || !slices.Equal(got, want) {
				t.Errorf("Act after split ones: %v, %v; want %v", got, err, want)
			}
		})
	}
}
