package portable

import (
	"fmt"

	"github.com/smgrnn/arena/framework"
	"github.com/smgrnn/arena/framework/spacejson"
)

// CheckSpaces checks that the spaces a portable student records are the
// ones the student loading it has, naming the first that differs.
func CheckSpaces(obs, act *spacejson.Space, wantObs, wantAct framework.Space) error {
	for _, sp := range []struct {
		what string
		j    *spacejson.Space
		want framework.Space
	}{{"observation", obs, wantObs}, {"action", act, wantAct}} {
		got, err := spacejson.Decode(sp.j)
		if err != nil {
			return fmt.Errorf("%s space: %w", sp.what, err)
		}
		if !framework.SameSpace(got, sp.want) {
			return fmt.Errorf("%s space %s, this student has %s", sp.what, got, sp.want)
		}
	}
	return nil
}
