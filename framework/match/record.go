package match

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/smgrnn/arena/framework"
	"github.com/smgrnn/arena/framework/atomicfile"
)

// Run statuses.
const (
	StatusOK     = "ok"
	StatusFailed = "failed"
)

// CurvePoint is one evaluation during a run.
type CurvePoint struct {
	EnvSteps   int `json:"env_steps"`
	ReturnMean Num `json:"return_mean"`
	ReturnStd  Num `json:"return_std"`
	Normalized Num `json:"normalized"`
	// Size is the student's size at the evaluation.
	framework.Size
}

// RunRecord is everything one run produced; it is written to
// runs/<id>.json as soon as the run ends.
type RunRecord struct {
	ID              string    `json:"id"`
	Env             string    `json:"env"`
	Student         string    `json:"student"`
	Kind            string    `json:"kind"`
	Seed            uint64    `json:"seed"`
	Status          string    `json:"status"`
	Error           string    `json:"error,omitempty"`
	FinalReturnMean Num       `json:"final_return_mean"`
	FinalReturnStd  Num       `json:"final_return_std"`
	FinalReturns    []float64 `json:"final_returns,omitempty"`
	TeacherReturn   Num       `json:"teacher_return"`
	RandomReturn    Num       `json:"random_return"`
	Normalized      Num       `json:"normalized"`
	CurveAUC        Num       `json:"curve_auc"`
	// Size is the student's final size.
	framework.Size
	WallSeconds float64            `json:"wall_seconds"`
	Curve       []CurvePoint       `json:"curve,omitempty"`
	Events      map[string]int     `json:"structural_events,omitempty"`
	Timing      map[string]float64 `json:"timing_seconds,omitempty"`
	// Topology is the final network in Graphviz DOT, for students whose
	// topology changes.
	Topology string `json:"topology_dot,omitempty"`
	// MatchDigest ties the record to the match that produced it, so a
	// resume never mixes runs of different settings.
	MatchDigest string `json:"match_digest"`
}

var unsafeChars = regexp.MustCompile(`[^A-Za-z0-9_.+-]+`)

// RunID names a run in file names: env, student and seed.
func RunID(env, student string, seed uint64) string {
	return fmt.Sprintf("%s__%s__s%d", SafeName(env), SafeName(student), seed)
}

// SafeName replaces what is not safe in a file name by underscores.
func SafeName(s string) string { return unsafeChars.ReplaceAllString(s, "_") }

// WriteFileAtomic writes data to path atomically (atomicfile.Write).
func WriteFileAtomic(path string, data []byte) error { return atomicfile.Write(path, data) }

// WriteJSONAtomic writes v as indented JSON, atomically.
func WriteJSONAtomic(path string, v any) error { return atomicfile.WriteJSON(path, v) }

// ReadRuns reads every runs/*.json record of an output folder, sorted by
// ID. Leftover temporary files of an interrupted write, and folders, are
// ignored; a record that is not one arena could have written is an error.
func ReadRuns(dir string) ([]RunRecord, error) {
	paths, err := filepath.Glob(filepath.Join(dir, "runs", "*.json"))
	if err != nil {
		return nil, err
	}
	var out []RunRecord
	for _, p := range paths {
		if strings.HasPrefix(filepath.Base(p), ".") {
			continue
		}
		if fi, err := os.Stat(p); err == nil && fi.IsDir() {
			continue // not a record, and nothing arena writes
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		var r RunRecord
		if err := json.Unmarshal(data, &r); err != nil {
			return nil, fmt.Errorf("run record %s is corrupt: %v", p, err)
		}
		if err := r.check(strings.TrimSuffix(filepath.Base(p), ".json")); err != nil {
			return nil, fmt.Errorf("run record %s: %v", p, err)
		}
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// check refuses a record that cannot be one arena wrote as file name.json:
// its id names files (topologies/<id>.dot), so it must be that name.
func (r *RunRecord) check(name string) error {
	if r.ID != name {
		return fmt.Errorf("names run %q, not %q", r.ID, name)
	}
	if r.ID != SafeName(r.ID) || strings.HasPrefix(r.ID, ".") {
		return fmt.Errorf("run id %q is not a safe file name", r.ID)
	}
	switch r.Status {
	case StatusOK, StatusFailed:
	default:
		return fmt.Errorf("status %q is neither %q nor %q", r.Status, StatusOK, StatusFailed)
	}
	return nil
}

// PathIn joins dir and name, a file name made from a match or a record,
// and refuses a name that would put the file outside dir.
func PathIn(dir, name string) (string, error) {
	if name == "" || name == "." || name == ".." || name != filepath.Base(name) ||
		strings.ContainsAny(name, "/\\\x00\n") {
		return "", fmt.Errorf("%q is not a file name inside %s", name, dir)
	}
	return filepath.Join(dir, name), nil
}

// Num is a float64 that JSON carries as null when it is not a finite
// number (a statistic of no runs, a score with no spread to normalise by),
// since JSON has no NaN.
type Num float64

// MarshalJSON implements json.Marshaler.
func (n Num) MarshalJSON() ([]byte, error) {
	f := float64(n)
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return []byte("null"), nil
	}
	return json.Marshal(f)
}

// UnmarshalJSON implements json.Unmarshaler: null reads as NaN.
func (n *Num) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*n = Num(math.NaN())
		return nil
	}
	var f float64
	if err := json.Unmarshal(b, &f); err != nil {
		return err
	}
	*n = Num(f)
	return nil
}
