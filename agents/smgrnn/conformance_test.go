package smgrnn

import (
	"testing"

	"github.com/smgrnn/arena/framework"
	"github.com/smgrnn/arena/framework/studenttest"
)

func TestConformance(t *testing.T) {
	for _, tc := range []struct {
		name   string
		params framework.Params
	}{
		{"defaults", nil},
		{"paper frequent edits", fastParams("paper")},
		{"static", fastParams("static")},
		{"paper gradient signal", gradParams(1e-6)},
		{"gradient growth, update pruning", signalParams("gradient", "update")},
		{"update growth, gradient pruning", signalParams("update", "gradient")},
		{"insert-only", fastParams("insert-only")},
		{"explore-only", fastParams("explore-only")},
		{"random-insert", fastParams("random-insert")},
		{"relu", framework.Params{"activation": "relu", "init_hidden": int64(8)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			studenttest.RunWith(t, func(cfg framework.StudentConfig) (framework.Student, error) {
				return New(cfg)
			}, studenttest.Options{ResumeExact: true, Params: tc.params})
		})
	}
}
