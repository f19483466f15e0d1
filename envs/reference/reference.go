// Package reference replays data recorded from Gymnasium against the Go
// environments and numpy's random stream (package numpyrand), record by
// record, and says where each record first differs.
//
// A reference directory holds three JSON Lines files, in the format of
// envs/testdata/gymnasium/README.md:
//
//   - pcg64.jsonl: raw PCG64 outputs and uniform(-0.05, 0.05) draws for a
//     seed, compared exactly (the Go generator is bit-exact);
//   - resets.jsonl: reset(seed)'s observation and internal state;
//   - trajectories.jsonl: whole episodes, from a seeded reset or from an
//     overwritten internal state, replaying the recorded actions.
//
// Observations and states are compared within a Tolerance, by default the
// reference README's relative 1e-5 and absolute 1e-6; rewards, terminated
// and truncated are compared exactly, and episodes must be equally long.
// (The Go environments in fact reproduce the recorded data bit for bit;
// the tests check that with the Exact tolerance.)
package reference

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"

	"github.com/smgrnn/arena/envs/numpyrand"
	"github.com/smgrnn/arena/framework"

	// The environments register themselves with the framework.
	_ "github.com/smgrnn/arena/envs"
)

// The files of a reference directory, in the order they are checked.
const (
	PCG64File        = "pcg64.jsonl"
	ResetsFile       = "resets.jsonl"
	TrajectoriesFile = "trajectories.jsonl"
)

// Tolerance bounds the difference allowed between an observation or state
// value and its recording: |got - want| <= Abs + Rel*|want|.
type Tolerance struct {
	Rel, Abs float64
}

// DefaultTolerance is the reference README's: float32 observations compared
// with a relative tolerance of 1e-5, absolute 1e-6 near zero.
var DefaultTolerance = Tolerance{Rel: 1e-5, Abs: 1e-6}

// Exact allows no difference at all.
var Exact = Tolerance{}

// Record kinds reported in a Result.
const (
	KindPCG64     = "pcg64"
	KindReset     = "reset"
	KindFromSeed  = "from_seed"
	KindFromState = "from_state"
)

// Result is the outcome of one record.
type Result struct {
	// File and Line locate the record (Line counts from 1).
	File string
	Line int
	// Env is the environment ID ("" for pcg64 records), Seed the record's
	// seed and Kind one of the Kind constants.
	Env  string
	Seed uint64
	Kind string
	// Passed reports whether the record matched. For a failed record, Step
	// is the first differing step (0 for a reset, 1 for the first action,
	// -1 when steps do not apply), Field names what differs (e.g.
	// "obs[2]", "reward", "terminated", "length", "random_raw[3]") and Got
	// and Want are the Go and the recorded values.
	Passed    bool
	Step      int
	Field     string
	Got, Want string
}

// String describes a failed record in one line, e.g.
// "Acrobot-v1 seed 3 from_seed: step 127: obs[1]: got 0.5 want 0.6".
func (r Result) String() string {
	name := r.Env
	if name == "" {
		name = r.Kind
	}
	head := fmt.Sprintf("%s seed %d %s (%s:%d)", name, r.Seed, r.Kind, r.File, r.Line)
	if r.Kind == KindPCG64 {
		head = fmt.Sprintf("pcg64 seed %d (%s:%d)", r.Seed, r.File, r.Line)
	}
	if r.Passed {
		return head + ": ok"
	}
	step := ""
	if r.Step >= 0 {
		step = fmt.Sprintf(" step %d:", r.Step)
	}
	return fmt.Sprintf("%s:%s %s: got %s want %s", head, step, r.Field, r.Got, r.Want)
}

// Counts returns how many results passed and failed.
func Counts(results []Result) (passed, failed int) {
	for _, r := range results {
		if r.Passed {
			passed++
		} else {
			failed++
		}
	}
	return passed, failed
}

// FormatError says that a reference file is missing, unreadable or not in
// the reference format; nothing of that file was checked.
type FormatError struct {
	File string
	Line int // 0 when the file as a whole is at fault
	Err  error
}

func (e *FormatError) Error() string {
	if e.Line == 0 {
		return fmt.Sprintf("reference file %s: %v", e.File, e.Err)
	}
	return fmt.Sprintf("reference file %s line %d: %v", e.File, e.Line, e.Err)
}

func (e *FormatError) Unwrap() error { return e.Err }

// Check replays every record of dir's three files within
// DefaultTolerance and returns one Result a record, pcg64 records first,
// then resets, then trajectories. A missing file or a record that is not in
// the reference format is a *FormatError.
func Check(dir string) ([]Result, error) { return CheckWithin(dir, DefaultTolerance) }

// CheckWithin is Check with the given tolerance for observations and
// states (rewards, flags and lengths are always compared exactly).
func CheckWithin(dir string, tol Tolerance) ([]Result, error) {
	var results []Result
	for _, c := range []struct {
		file  string
		check func(path string, tol Tolerance) ([]Result, error)
	}{
		{PCG64File, checkPCG64File},
		{ResetsFile, checkResetsFile},
		{TrajectoriesFile, checkTrajectoriesFile},
	} {
		rs, err := c.check(filepath.Join(dir, c.file), tol)
		if err != nil {
			return nil, err
		}
		results = append(results, rs...)
	}
	return results, nil
}

// eachLine calls fn for every non-empty line of a file, with its number.
func eachLine(path string, fn func(line int, data []byte) error) error {
	name := filepath.Base(path)
	f, err := os.Open(path)
	if err != nil {
		return &FormatError{File: name, Err: err}
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 1<<16), 1<<26)
	n, records := 0, 0
	for sc.Scan() {
		n++
		if len(sc.Bytes()) == 0 {
			continue
		}
		records++
		if err := fn(n, sc.Bytes()); err != nil {
			return &FormatError{File: name, Line: n, Err: err}
		}
	}
	if err := sc.Err(); err != nil {
		return &FormatError{File: name, Err: err}
	}
	if records == 0 {
		return &FormatError{File: name, Err: errors.New("no records")}
	}
	return nil
}

// decode unmarshals one record. Unknown fields are ignored (a newer
// recording may add some); a field of the wrong type is an error.
func decode(data []byte, v any) error {
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("not a reference record: %w", err)
	}
	return nil
}

type pcgRecord struct {
	Seed    *uint64   `json:"seed"`
	Raw     []string  `json:"random_raw_uint64"`
	Uniform []float64 `json:"uniform_m005_005"`
}

// checkPCG64File checks a pcg64.jsonl file; the generator is compared bit
// for bit whatever the tolerance.
func checkPCG64File(path string, _ Tolerance) ([]Result, error) {
	var results []Result
	err := eachLine(path, func(line int, data []byte) error {
		var rec pcgRecord
		if err := decode(data, &rec); err != nil {
			return err
		}
		if rec.Seed == nil || len(rec.Raw) == 0 && len(rec.Uniform) == 0 {
			return errors.New("a pcg64 record needs a seed and outputs")
		}
		raw := make([]uint64, len(rec.Raw))
		for i, s := range rec.Raw {
			v, err := strconv.ParseUint(s, 10, 64)
			if err != nil {
				return fmt.Errorf("random_raw_uint64[%d]: %w", i, err)
			}
			raw[i] = v
		}
		res := Result{File: filepath.Base(path), Line: line, Seed: *rec.Seed, Kind: KindPCG64, Step: -1}
		res.Passed = checkPCG(&res, *rec.Seed, raw, rec.Uniform)
		results = append(results, res)
		return nil
	})
	return results, err
}

func checkPCG(res *Result, seed uint64, raw []uint64, uniform []float64) bool {
	g := numpyrand.New(seed)
	for i, want := range raw {
		if got := g.RandomRaw(); got != want {
			res.Field, res.Got, res.Want = fmt.Sprintf("random_raw_uint64[%d]", i), fmt.Sprint(got), fmt.Sprint(want)
			return false
		}
	}
	g.Seed(seed)
	for i, want := range uniform {
		if got := g.Uniform(-0.05, 0.05); got != want {
			res.Field, res.Got, res.Want = fmt.Sprintf("uniform_m005_005[%d]", i), fmtFloat(got), fmtFloat(want)
			return false
		}
	}
	return true
}

type resetRecord struct {
	Env   string    `json:"env"`
	Seed  *uint64   `json:"seed"`
	Obs   []float64 `json:"obs"`
	State []float64 `json:"state"`
}

// checkResetsFile checks a resets.jsonl file.
func checkResetsFile(path string, tol Tolerance) ([]Result, error) {
	var results []Result
	err := eachLine(path, func(line int, data []byte) error {
		var rec resetRecord
		if err := decode(data, &rec); err != nil {
			return err
		}
		if rec.Env == "" || rec.Seed == nil || len(rec.Obs) == 0 {
			return errors.New("a reset record needs env, seed and obs")
		}
		res := Result{File: filepath.Base(path), Line: line, Env: rec.Env, Seed: *rec.Seed, Kind: KindReset}
		res.Passed = checkReset(&res, rec, tol)
		results = append(results, res)
		return nil
	})
	return results, err
}

// stateful is what the checker needs beyond framework.Env: the internal
// state, to compare it and to start episodes from a recorded one.
type stateful interface {
	framework.Env
	State() []float64
	SetState(state []float64) error
}

// makeEnv makes a registered environment with state access, or fills res
// with why not.
func makeEnv(res *Result, id string) (stateful, bool) {
	env, err := framework.MakeEnv(id)
	if err != nil {
		res.Field, res.Got, res.Want = "env", framework.OneLine(err.Error()), id
		return nil, false
	}
	s, ok := env.(stateful)
	if !ok {
		res.Field, res.Got, res.Want = "env", "an environment without State/SetState", id
		return nil, false
	}
	return s, true
}

func checkReset(res *Result, rec resetRecord, tol Tolerance) bool {
	env, ok := makeEnv(res, rec.Env)
	if !ok {
		return false
	}
	defer env.Close()
	obs, err := env.Reset(rec.Seed)
	if err != nil {
		res.Field, res.Got, res.Want = "reset", framework.OneLine(err.Error()), "an observation"
		return false
	}
	if !compareVec(res, "obs", obs, rec.Obs, tol) {
		return false
	}
	if rec.State != nil && !compareVec(res, "state", env.State(), rec.State, tol) {
		return false
	}
	return true
}

type trajectoryRecord struct {
	Env        string            `json:"env"`
	Kind       string            `json:"kind"`
	Seed       *uint64           `json:"seed"`
	ResetObs   []float64         `json:"reset_obs"`
	State0     []float64         `json:"state0"`
	Actions    []json.RawMessage `json:"actions"`
	Obs        [][]float64       `json:"obs"`
	Rewards    []float64         `json:"rewards"`
	Terminated []bool            `json:"terminated"`
	Truncated  []bool            `json:"truncated"`
}

// checkTrajectoriesFile checks a trajectories.jsonl file.
func checkTrajectoriesFile(path string, tol Tolerance) ([]Result, error) {
	var results []Result
	err := eachLine(path, func(line int, data []byte) error {
		var rec trajectoryRecord
		if err := decode(data, &rec); err != nil {
			return err
		}
		actions, err := validateTrajectory(&rec)
		if err != nil {
			return err
		}
		res := Result{File: filepath.Base(path), Line: line, Env: rec.Env, Seed: *rec.Seed, Kind: rec.Kind}
		res.Passed = checkTrajectory(&res, rec, actions, tol)
		results = append(results, res)
		return nil
	})
	return results, err
}

// validateTrajectory checks a record's shape and decodes its actions: an
// integer for a Discrete space, a list of numbers for a Box space.
func validateTrajectory(rec *trajectoryRecord) ([][]float64, error) {
	if rec.Env == "" || rec.Seed == nil {
		return nil, errors.New("a trajectory record needs env and seed")
	}
	switch rec.Kind {
	case KindFromSeed:
		if rec.ResetObs == nil {
			return nil, errors.New("a from_seed trajectory needs reset_obs")
		}
	case KindFromState:
		if rec.State0 == nil {
			return nil, errors.New("a from_state trajectory needs state0")
		}
	default:
		return nil, fmt.Errorf("unknown trajectory kind %q", rec.Kind)
	}
	n := len(rec.Actions)
	if n == 0 || len(rec.Obs) != n || len(rec.Rewards) != n || len(rec.Terminated) != n || len(rec.Truncated) != n {
		return nil, fmt.Errorf("actions, obs, rewards, terminated and truncated have lengths %d, %d, %d, %d, %d; want equal and non-zero",
			n, len(rec.Obs), len(rec.Rewards), len(rec.Terminated), len(rec.Truncated))
	}
	actions := make([][]float64, n)
	for i, raw := range rec.Actions {
		var a []float64
		if err := json.Unmarshal(raw, &a); err != nil {
			var v float64
			if err2 := json.Unmarshal(raw, &v); err2 != nil {
				return nil, fmt.Errorf("action %d is neither a number nor a list of numbers: %s", i, raw)
			}
			a = []float64{v}
		}
		actions[i] = a
	}
	return actions, nil
}

func checkTrajectory(res *Result, rec trajectoryRecord, actions [][]float64, tol Tolerance) bool {
	env, ok := makeEnv(res, rec.Env)
	if !ok {
		return false
	}
	defer env.Close()
	res.Step = 0
	obs, err := env.Reset(rec.Seed)
	if err != nil {
		res.Field, res.Got, res.Want = "reset", framework.OneLine(err.Error()), "an observation"
		return false
	}
	if rec.Kind == KindFromSeed {
		if !compareVec(res, "reset_obs", obs, rec.ResetObs, tol) {
			return false
		}
	} else if err := env.SetState(rec.State0); err != nil {
		res.Field, res.Got, res.Want = "state0", framework.OneLine(err.Error()), fmt.Sprint(rec.State0)
		return false
	}
	for i, a := range actions {
		res.Step = i + 1
		st, err := env.Step(a)
		if err != nil {
			res.Field, res.Got, res.Want = "step", framework.OneLine(err.Error()), "a step"
			return false
		}
		if !compareVec(res, "obs", st.Obs, rec.Obs[i], tol) {
			return false
		}
		switch {
		case st.Reward != rec.Rewards[i]:
			res.Field, res.Got, res.Want = "reward", fmtFloat(st.Reward), fmtFloat(rec.Rewards[i])
			return false
		case st.Terminated != rec.Terminated[i]:
			res.Field, res.Got, res.Want = "terminated", fmt.Sprint(st.Terminated), fmt.Sprint(rec.Terminated[i])
			return false
		case st.Truncated != rec.Truncated[i]:
			res.Field, res.Got, res.Want = "truncated", fmt.Sprint(st.Truncated), fmt.Sprint(rec.Truncated[i])
			return false
		}
		if st.Done() && i+1 < len(actions) {
			res.Field, res.Got, res.Want = "length", fmt.Sprintf("%d steps", i+1), fmt.Sprintf("%d steps", len(actions))
			return false
		}
	}
	if last := len(actions) - 1; !rec.Terminated[last] && !rec.Truncated[last] {
		// The recording stopped while Gymnasium's episode was running
		// (and so is ours, since the flags matched): the lengths differ.
		res.Step = len(actions)
		res.Field, res.Got, res.Want = "length", "episode still running", fmt.Sprintf("ends after %d steps", len(actions))
		return false
	}
	res.Step = -1
	return true
}

// compareVec compares values within the tolerances, filling res at the
// first difference.
func compareVec(res *Result, field string, got, want []float64, tol Tolerance) bool {
	if len(got) != len(want) {
		res.Field, res.Got, res.Want = field+" length", fmt.Sprint(len(got)), fmt.Sprint(len(want))
		return false
	}
	for i := range got {
		if !tol.within(got[i], want[i]) {
			res.Field, res.Got, res.Want = fmt.Sprintf("%s[%d]", field, i), fmtFloat(got[i]), fmtFloat(want[i])
			return false
		}
	}
	return true
}

// within reports |got - want| <= Abs + Rel*|want|.
func (t Tolerance) within(got, want float64) bool {
	if got == want {
		return true
	}
	return math.Abs(got-want) <= t.Abs+t.Rel*math.Abs(want)
}

func fmtFloat(v float64) string { return strconv.FormatFloat(v, 'g', 17, 64) }
