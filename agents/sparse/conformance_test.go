package sparse

import (
	"testing"

	"github.com/smgrnn/arena/framework"
	"github.com/smgrnn/arena/framework/studenttest"
)

// fastParams makes every method edit its structure several times within
// the conformance kit's 200 training steps.
func fastParams(m Method) framework.Params {
	p := framework.Params{"update_every": int64(20), "end_step": int64(150), "target_params": int64(300)}
	switch m {
	case GMP:
		p["start_step"] = int64(20)
	case Net2Net:
		p["plateau"] = 0.5 // widen at almost every check
	}
	return p
}

func TestConformance(t *testing.T) {
	for _, m := range Methods() {
		for _, tc := range []struct {
			name   string
			params framework.Params
		}{
			{"defaults", nil},
			{"frequent edits", fastParams(m)},
			{"relu", framework.Params{"activation": "relu", "hidden": []any{int64(8), int64(8)}, "target_params": int64(reluTarget(m))}},
		} {
			t.Run(string(m)+"/"+tc.name, func(t *testing.T) {
				studenttest.RunWith(t, func(cfg framework.StudentConfig) (framework.Student, error) {
					return New(m, cfg)
				}, studenttest.Options{ResumeExact: true, Params: tc.params})
			})
		}
	}
}

// reluTarget is below an 8×8 network's size for the methods that shrink
// or keep it, and above for Net2Net, which grows.
func reluTarget(m Method) int {
	if m == Net2Net {
		return 200
	}
	return 80
}
