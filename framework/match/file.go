// Package match reads match files and runs matches: every student of a
// match distilled from the same teacher on every environment, for every
// seed, through one protocol, each finished run written to disk at once.
package match

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/BurntSushi/toml"

	"github.com/smgrnn/arena/framework"
	"github.com/smgrnn/arena/framework/distill"
)

// File is a match file as written: the TOML keys documented in
// docs/match-file.md.
type File struct {
	Name      string           `toml:"name"`
	Seeds     any              `toml:"seeds"`
	Baseline  string           `toml:"baseline"`
	Parallel  int              `toml:"parallel"`
	InProcess bool             `toml:"in_process"`
	Budget    Budget           `toml:"budget"`
	Distill   DistillTable     `toml:"distill"`
	Env       []EnvEntry       `toml:"env"`
	Student   []map[string]any `toml:"student"`
	Plugin    []PluginEntry    `toml:"plugin"`
}

// Budget is a match file's [budget] table: how much each run gets and how
// it is evaluated. An absent key keeps the protocol's default; the same
// keys are also accepted in [distill].
type Budget struct {
	EnvSteps          *int `toml:"env_steps"`
	EvalEvery         *int `toml:"eval_every"`
	EvalEpisodes      *int `toml:"eval_episodes"`
	FinalEvalEpisodes *int `toml:"final_eval_episodes"`
}

// DistillTable is a match file's [distill] table: the protocol's settings
// and the optimizer's, which every student of the match shares.
type DistillTable struct {
	distill.Config
	LearningRate float64 `toml:"learning_rate"`
	Beta1        float64 `toml:"beta1"`
	Beta2        float64 `toml:"beta2"`
	Epsilon      float64 `toml:"epsilon"`
	GradClip     float64 `toml:"grad_clip"`
}

// EnvEntry is one [[env]] of a match.
type EnvEntry struct {
	ID      string `toml:"id" json:"id"`
	Teacher string `toml:"teacher" json:"teacher"`
	// InProcess, when set, overrides the match's in_process for this env
	// and its teacher.
	InProcess *bool `toml:"in_process" json:"in_process,omitempty"`
}

// StudentEntry is one [[student]] of a match: its name in the tables, its
// kind, and the kind's own settings.
type StudentEntry struct {
	Name      string           `json:"name"`
	Kind      string           `json:"kind"`
	InProcess *bool            `json:"in_process,omitempty"`
	Params    framework.Params `json:"params"`
	// LearningRate, when set, replaces the match's Adam learning rate for
	// this student.
	LearningRate *float64 `json:"learning_rate,omitempty"`
	// Sweep lists the settings a [student.sweep] varied to make this
	// student (nil for a student written out by hand).
	Sweep []string `json:"sweep,omitempty"`
	line  int
}

// PluginEntry is one [[plugin]] of a match: a third-party plugin binary.
type PluginEntry struct {
	Name   string `toml:"name" json:"name"`
	Path   string `toml:"path" json:"path"`
	SHA256 string `toml:"sha256" json:"sha256,omitempty"`
	// Args are passed to the executable (e.g. the environment IDs a
	// bridge should offer).
	Args []string `toml:"args" json:"args,omitempty"`
	// CallTimeout is the deadline of each call to the plugin, as a Go
	// duration ("90s", "5m"); empty keeps the host's default.
	CallTimeout string `toml:"call_timeout" json:"call_timeout,omitempty"`
}

// Timeout returns the plugin's call deadline, or 0 for the host's
// default. Check has already refused a malformed one.
func (p PluginEntry) Timeout() time.Duration {
	d, _ := time.ParseDuration(p.CallTimeout)
	return d
}

// Match is a decoded, defaulted match, ready to validate and run.
type Match struct {
	Name      string   `json:"name"`
	Seeds     []uint64 `json:"seeds"`
	Baseline  string   `json:"baseline"`
	Parallel  int      `json:"parallel"`
	InProcess bool     `json:"in_process"`
	// Protocol is the distillation protocol every run follows.
	Protocol distill.Config `json:"protocol"`
	// Adam is the optimizer every student gets.
	Adam     framework.Adam `json:"adam"`
	Envs     []EnvEntry     `json:"envs"`
	Students []StudentEntry `json:"students"`
	Plugins  []PluginEntry  `json:"plugins,omitempty"`
	// Source names where the match came from (a path, or "embedded").
	Source string `json:"source"`
	// Dir is the folder that relative plugin paths are relative to: the
	// match file's own folder, also when the match is resumed from the
	// copy in an output folder.
	Dir  string `json:"-"`
	text string
}

// originFile, beside the copy of a match file in an output folder, records
// the folder of the original, so relative plugin paths still resolve when
// the match is resumed or reported from the copy.
const originFile = "match-origin.json"

// LoadFile reads and decodes a match file.
func LoadFile(path string) (*Match, error) {
	m, err := loadFile(path)
	if err != nil {
		return nil, err
	}
	var origin struct {
		Dir string `json:"dir"`
	}
	if data, err := os.ReadFile(filepath.Join(filepath.Dir(path), originFile)); err == nil && json.Unmarshal(data, &origin) == nil && origin.Dir != "" {
		m.Dir = origin.Dir
	}
	return m, nil
}

func loadFile(path string) (*Match, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("match file %s does not exist", path)
		}
		return nil, fmt.Errorf("reading match file: %w", err)
	}
	return Parse(string(data), path)
}

// Limits on a match file, checked before decoding: the TOML decoder's
// memory grows with the square of the nesting depth, so a 20 KB file of
// nested inline tables took 1.1 GB. Real match files are a few KB and
// nest three deep.
const (
	MaxFileBytes = 1 << 20
	MaxNesting   = 32
)

// Parse decodes a match file's text; source names it in errors. Decoding
// is strict: an unknown key is an error naming the key and its line.
func Parse(text, source string) (*Match, error) {
	if len(text) > MaxFileBytes {
		return nil, fmt.Errorf("%s: the match file has %d bytes; at most %d are accepted", source, len(text), MaxFileBytes)
	}
	if line, depth := nesting(text, MaxNesting); depth > MaxNesting {
		return nil, fmt.Errorf("%s:%d: arrays and tables nest more than %d deep", source, line, MaxNesting)
	}
	def := framework.DefaultAdam()
	f := File{Distill: DistillTable{Config: distill.DefaultConfig(),
		LearningRate: def.LearningRate, Beta1: def.Beta1, Beta2: def.Beta2, Epsilon: def.Epsilon}}
	md, err := toml.Decode(text, &f)
	if err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			return nil, fmt.Errorf("%s:%d:%d: %s", source, pe.Position.Line, pe.Position.Col, pe.Message)
		}
		return nil, fmt.Errorf("%s: %v", source, framework.OneLine(err.Error()))
	}
	for _, k := range md.Undecoded() {
		// Student tables are free-form: their keys belong to the kind
		// and are checked when the student is built.
		if len(k) > 0 && k[0] == "student" {
			continue
		}
		return nil, fmt.Errorf("%s:%d: unknown key %q", source, keyLine(text, k), k.String())
	}
	m := &Match{
		Name: f.Name, Baseline: f.Baseline, Parallel: f.Parallel, InProcess: f.InProcess,
		Protocol: f.Distill.Config, Envs: f.Env, Plugins: f.Plugin,
		Adam: framework.Adam{LearningRate: f.Distill.LearningRate, Beta1: f.Distill.Beta1,
			Beta2: f.Distill.Beta2, Epsilon: f.Distill.Epsilon, GradClip: f.Distill.GradClip},
		Source: source, text: text,
	}
	for _, b := range []struct {
		from *int
		to   *int
	}{
		{f.Budget.EnvSteps, &m.Protocol.EnvSteps},
		{f.Budget.EvalEvery, &m.Protocol.EvalEvery},
		{f.Budget.EvalEpisodes, &m.Protocol.EvalEpisodes},
		{f.Budget.FinalEvalEpisodes, &m.Protocol.FinalEvalEpisodes},
	} {
		if b.from != nil {
			*b.to = *b.from
		}
	}
	if m.Seeds, err = decodeSeeds(f.Seeds); err != nil {
		return nil, fmt.Errorf("%s:%d: %v", source, keyLine(text, toml.Key{"seeds"}), err)
	}
	studentLines := tableLines(text, "student")
	studentAt := func(i int) string {
		if i < len(studentLines) {
			return fmt.Sprintf("%s:%d: student %d", source, studentLines[i], i+1)
		}
		return fmt.Sprintf("%s: student %d", source, i+1)
	}
	students, from, err := expandSweeps(f.Student, studentAt)
	if err != nil {
		return nil, err
	}
	for j, raw := range students {
		i := from[j]
		s := StudentEntry{Params: framework.Params{}}
		if i < len(studentLines) {
			s.line = studentLines[i]
		}
		for k, v := range raw {
			switch k {
			case sweptKeysKey:
				s.Sweep = v.([]string)
			case "learning_rate":
				lr, ok := v.(float64)
				if n, isInt := v.(int64); isInt {
					lr, ok = float64(n), true
				}
				if !ok || !(lr > 0) {
					return nil, fmt.Errorf("%s:%d: student %d: learning_rate = %v: it must be a positive number", source, s.line, i+1, v)
				}
				s.LearningRate = &lr
			case "name", "kind":
				str, ok := v.(string)
				if !ok {
					return nil, fmt.Errorf("%s:%d: student %d: %q must be a string", source, s.line, i+1, k)
				}
				if k == "name" {
					s.Name = str
				} else {
					s.Kind = str
				}
			case "in_process":
				b, ok := v.(bool)
				if !ok {
					return nil, fmt.Errorf("%s:%d: student %d: \"in_process\" must be true or false", source, s.line, i+1)
				}
				s.InProcess = &b
			default:
				s.Params[k] = v
			}
		}
		m.Students = append(m.Students, s)
	}
	m.Dir = filepath.Dir(source)
	m.applyDefaults()
	return m, nil
}

// maxSeeds bounds the seeds of a match.
const maxSeeds = 10000

func decodeSeeds(v any) ([]uint64, error) {
	switch s := v.(type) {
	case nil:
		return nil, nil
	case int64:
		if s <= 0 || s > maxSeeds {
			return nil, fmt.Errorf("seeds = %d: give a count from 1 to %d or a list of seeds", s, maxSeeds)
		}
		out := make([]uint64, s)
		for i := range out {
			out[i] = uint64(i)
		}
		return out, nil
	case []any:
		if len(s) == 0 {
			return nil, fmt.Errorf("seeds is an empty list")
		}
		if len(s) > maxSeeds {
			return nil, fmt.Errorf("seeds lists %d seeds; at most %d are accepted", len(s), maxSeeds)
		}
		seen := map[uint64]bool{}
		out := make([]uint64, len(s))
		for i, x := range s {
			n, ok := x.(int64)
			if !ok || n < 0 {
				return nil, fmt.Errorf("seeds[%d] = %v: seeds are non-negative integers", i, x)
			}
			if seen[uint64(n)] {
				return nil, fmt.Errorf("seeds lists %d twice", n)
			}
			seen[uint64(n)] = true
			out[i] = uint64(n)
		}
		return out, nil
	}
	if str, ok := v.(string); ok {
		return nil, fmt.Errorf("seeds = %q: give a count or a list of seeds, not a string", str)
	}
	return nil, fmt.Errorf("seeds = %v: give a count or a list of seeds", v)
}

var headerRE = regexp.MustCompile(`^\s*\[\[?\s*([^\]]+?)\s*\]\]?`)
var keyRE = regexp.MustCompile(`^\s*("?)([A-Za-z0-9_.\-]+)("?)\s*=`)

// keyLine finds the line of a dotted key in the TOML text (1-based), or 0.
// BurntSushi/toml does not report positions of undecoded keys, so this
// follows table headers itself.
func keyLine(text string, k toml.Key) int {
	if len(k) == 0 {
		return 0
	}
	want := strings.Join(k, ".")
	section := ""
	// Not a bufio.Scanner: it stops at the first line over 64 KB.
	for i, t := range strings.Split(text, "\n") {
		line := i + 1
		if m := headerRE.FindStringSubmatch(t); m != nil {
			section = strings.ReplaceAll(m[1], " ", "")
			if section == want {
				return line
			}
			continue
		}
		if m := keyRE.FindStringSubmatch(t); m != nil {
			full := m[2]
			if section != "" {
				full = section + "." + full
			}
			if full == want || strings.HasPrefix(full, want+".") {
				return line
			}
		}
	}
	return 0
}

// tableLines lists the lines of every [[name]] header, in order.
func tableLines(text, name string) []int {
	var lines []int
	for i, t := range strings.Split(text, "\n") {
		line := i + 1
		t = strings.TrimSpace(t)
		if strings.HasPrefix(t, "[[") {
			if m := headerRE.FindStringSubmatch(t); m != nil && strings.ReplaceAll(m[1], " ", "") == name {
				lines = append(lines, line)
			}
		}
	}
	return lines
}

// nesting returns the deepest nesting of arrays and tables in a TOML text
// (outside strings and comments), and the line where it first exceeds
// limit, without decoding it.
func nesting(text string, limit int) (line, deepest int) {
	depth := 0
	line = 1
	for i := 0; i < len(text); i++ {
		switch c := text[i]; c {
		case '\n':
			line++
		case '#':
			for i+1 < len(text) && text[i+1] != '\n' {
				i++
			}
		case '"', '\'':
			delim := string(c)
			if strings.HasPrefix(text[i:], delim+delim+delim) {
				delim += delim + delim
			}
			i += len(delim)
			for i < len(text) && !strings.HasPrefix(text[i:], delim) {
				if text[i] == '\n' {
					line++
					if len(delim) == 1 {
						break // an unterminated string; the decoder reports it
					}
				}
				if c == '"' && text[i] == '\\' {
					i++
				}
				i++
			}
			i += len(delim) - 1
		case '[', '{':
			depth++
			if depth > deepest {
				deepest = depth
				if depth > limit {
					return line, deepest
				}
			}
		case ']', '}':
			depth = max(depth-1, 0)
		}
	}
	return line, deepest
}
