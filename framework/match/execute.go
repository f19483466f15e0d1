package match

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"

	"github.com/smgrnn/arena/framework"
	"github.com/smgrnn/arena/framework/checkpoint"
	"github.com/smgrnn/arena/framework/distill"
	"github.com/smgrnn/arena/framework/stats"
)

// distillRun builds one run's components and distils, filling rec.
func distillRun(ctx context.Context, m *Match, spec RunSpec, opts Options, baselines *baselineCache, rec *RunRecord) error {
	envComps, err := opts.Resolver.ForEnv(spec.Env)
	if err != nil {
		return err
	}
	studentComps, err := opts.Resolver.ForStudent(spec.Student)
	if err != nil {
		return err
	}
	// The run's vectors are made from the start, and the training one
	// gives the environment's spec; the teacher and the student are then
	// made at once. Through plugins each is a process to start.
	envs := distill.Prefetch(func(n int) (framework.VectorEnv, error) {
		return envComps.MakeVectorEnv(spec.Env.ID, n)
	}, m.Protocol)
	defer envs.Close()
	envSpec, err := envs.Spec()
	if err != nil {
		return fmt.Errorf("env %s: %w", spec.Env.ID, err)
	}
	cfg := m.studentConfig(spec.Student, envSpec, spec.Seed)
	var student framework.Student
	var serr error
	made := make(chan struct{})
	go func() {
		defer close(made)
		serr = framework.Recovered(func() (err error) {
			student, err = studentComps.MakeStudent(spec.Student.Kind, cfg)
			return err
		})
	}()
	teacher, err := envComps.MakeTeacher(spec.Env.Teacher, envSpec)
	<-made
	if err == nil {
		defer closeIfCloser(teacher)
	}
	if serr == nil {
		defer closeIfCloser(student)
	}
	if err != nil {
		return fmt.Errorf("teacher %s: %w", spec.Env.Teacher, err)
	}
	if serr != nil {
		return fmt.Errorf("student %s: %w", spec.Student.Name, serr)
	}

	run := distill.Run{
		Env:     envs.Make,
		Teacher: teacher,
		Student: student,
		Seed:    spec.Seed,
		Config:  m.Protocol,
		TeacherBaseline: func() (distill.Evaluation, error) {
			return baselines.get(spec.Env)
		},
		// The curve's evaluations play a copy while the student trains on.
		StudentCopy: func() (framework.Student, error) {
			return studentComps.MakeStudent(spec.Student.Kind, cfg)
		},
	}
	var log roundLog
	if opts.Events != nil || opts.OutDir != "" {
		latest, latestAt := math.NaN(), -1
		run.Progress = func(p distill.Progress) {
			var size framework.Size
			if p.Eval != nil {
				latest, latestAt = p.Eval.ReturnMean, p.Eval.EnvSteps
				size = p.Eval.Size
			} else {
				log.observe(student)
				size = log.sizes[len(log.sizes)-1]
			}
			if opts.Events != nil {
				opts.Events.Progress(spec, Progress{
					EnvSteps: p.EnvSteps, Budget: p.Budget, ReturnMean: latest, EvalSteps: latestAt,
					Size: size,
				})
			}
		}
	}
	res, err := run.Execute(ctx)
	if err != nil {
		return err
	}

	// The trained student is kept, so "arena eval --policy student:PATH"
	// can watch it; it is written before the run's record, so a record
	// always has its student.
	if opts.OutDir != "" {
		dir := filepath.Join(opts.OutDir, "students")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		path, err := PathIn(dir, spec.ID+".json")
		if err != nil {
			return err
		}
		if err := checkpoint.SaveStudent(path, spec.Student.Kind, spec.Env.ID, cfg, student); err != nil {
			return fmt.Errorf("saving the student: %w", err)
		}
	}

	teacherR, randomR := res.Teacher.ReturnMean, res.Random.ReturnMean
	norm := func(r float64) Num {
		v, err := stats.NormalizedScore(r, randomR, teacherR)
		if err != nil {
			return Num(math.NaN())
		}
		return Num(v)
	}
	rec.FinalReturnMean = Num(res.Final.ReturnMean)
	rec.FinalReturnStd = Num(res.Final.ReturnStd)
	rec.FinalReturns = res.Final.Returns
	rec.TeacherReturn = Num(teacherR)
	rec.RandomReturn = Num(randomR)
	rec.Normalized = norm(res.Final.ReturnMean)
	rec.Size = res.Size
	rec.Events = res.Events
	steps := make([]float64, len(res.Curve))
	scores := make([]float64, len(res.Curve))
	for i, p := range res.Curve {
		steps[i] = float64(p.EnvSteps)
		scores[i] = float64(norm(p.ReturnMean))
		rec.Curve = append(rec.Curve, CurvePoint{
			EnvSteps: p.EnvSteps, ReturnMean: Num(p.ReturnMean), ReturnStd: Num(p.ReturnStd),
			Normalized: Num(scores[i]), Size: p.Size,
		})
	}
	rec.CurveAUC = Num(math.NaN())
	if auc, err := stats.CurveAUC(steps, scores); err == nil {
		rec.CurveAUC = Num(auc)
	}
	t := res.Timing
	rec.Timing = map[string]float64{
		"env": t.Env.Seconds(), "teacher": t.Teacher.Seconds(), "student_act": t.StudentAct.Seconds(),
		"student_train": t.StudentTrain.Seconds(), "eval": t.Eval.Seconds(), "baselines": t.Baselines.Seconds(),
		"total": t.Total.Seconds(),
	}
	if opts.OutDir != "" {
		// The per-round log is written before the record, like the
		// student, so a record always has its log.
		if err := WriteFileAtomic(filepath.Join(opts.OutDir, "runs", spec.ID+".csv"), log.csv(res, norm)); err != nil {
			return err
		}
	}
	if s, ok := student.(framework.Structural); ok {
		var buf bytes.Buffer
		if err := s.DOT(&buf); err == nil {
			rec.Topology = buf.String()
		}
	}
	return nil
}
