package match

import (
	"fmt"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"time"

	"github.com/smgrnn/arena/framework"
)

// Defaults used where a match file is silent.
const (
	DefaultSeeds = 5
)

// applyDefaults fills what the file left out.
func (m *Match) applyDefaults() {
	if m.Name == "" {
		base := filepath.Base(m.Source)
		m.Name = strings.TrimSuffix(base, filepath.Ext(base))
	}
	if m.Seeds == nil {
		m.Seeds, _ = decodeSeeds(int64(DefaultSeeds))
	}
	if m.Parallel == 0 {
		m.Parallel = runtime.NumCPU()
	}
	for i := range m.Envs {
		if m.Envs[i].Teacher == "" {
			m.Envs[i].Teacher = "expert"
		}
	}
	if m.Baseline == "" && len(m.Students) > 0 {
		m.Baseline = m.Students[0].Name
		for _, s := range m.Students {
			if s.Kind == "mlp" {
				m.Baseline = s.Name
				break
			}
		}
	}
}

// Check validates what can be checked without building any component:
// names, counts and impossible numbers. It returns the first problem, with
// the line of the match file where it stands when known.
func (m *Match) Check() error {
	at := func(key ...string) string {
		if l := keyLine(m.text, key); l > 0 {
			return fmt.Sprintf("%s:%d", m.Source, l)
		}
		return m.Source
	}
	if err := checkName("match name", m.Name, false); err != nil {
		return fmt.Errorf("%s: %v", at("name"), err)
	}
	if m.Parallel < 0 || m.Parallel > MaxParallel {
		return fmt.Errorf("%s: parallel = %d: it must be from 1 to %d", at("parallel"), m.Parallel, MaxParallel)
	}
	if err := m.Protocol.Validate(); err != nil {
		// distill names the setting as the match file does; point at it.
		where := m.Source
		for _, k := range settingNames.FindAllString(err.Error(), -1) {
			for _, table := range []string{"budget", "distill"} {
				if l := keyLine(m.text, []string{table, k}); l > 0 {
					where = fmt.Sprintf("%s:%d", m.Source, l)
				}
			}
		}
		return fmt.Errorf("%s: %v", where, err)
	}
	if err := m.Adam.Validate(); err != nil {
		key, _, _ := strings.Cut(err.Error(), " ")
		return fmt.Errorf("%s: distill.%v", at("distill", key), err)
	}
	if len(m.Envs) == 0 {
		return fmt.Errorf("%s: the match has no [[env]]", m.Source)
	}
	seenEnv := map[string]bool{}
	for i, e := range m.Envs {
		if e.ID == "" {
			return fmt.Errorf("%s: env %d has no id", m.Source, i+1)
		}
		// An env id is made safe for file names (SafeName), and a teacher
		// may name a checkpoint's path: both may hold slashes.
		if err := checkName("env id", e.ID, true); err != nil {
			return fmt.Errorf("%s: %v", m.EnvWhere(e.ID), err)
		}
		if err := checkName("teacher", e.Teacher, true); err != nil {
			return fmt.Errorf("%s: %v", m.EnvWhere(e.ID), err)
		}
		if seenEnv[e.ID] {
			return fmt.Errorf("%s: env %s is listed twice", m.Source, e.ID)
		}
		seenEnv[e.ID] = true
	}
	if len(m.Students) == 0 {
		return fmt.Errorf("%s: the match has no [[student]]", m.Source)
	}
	seen := map[string]bool{}
	for i, s := range m.Students {
		where := fmt.Sprintf("%s:%d", m.Source, s.line)
		switch {
		case s.Name == "":
			return fmt.Errorf("%s: student %d has no name", where, i+1)
		case s.Kind == "":
			return fmt.Errorf("%s: student %q has no kind", where, s.Name)
		case seen[s.Name]:
			return fmt.Errorf("%s: two students are named %q", where, s.Name)
		case strings.ContainsAny(s.Name, "/\\ \t"):
			return fmt.Errorf("%s: student name %q may not contain slashes or spaces", where, s.Name)
		}
		if err := checkName("student name", s.Name, false); err != nil {
			return fmt.Errorf("%s: %v", where, err)
		}
		seen[s.Name] = true
		if err := m.checkPerEnv(s); err != nil {
			return fmt.Errorf("%s: student %q: %v", where, s.Name, err)
		}
	}
	if !seen[m.Baseline] {
		return fmt.Errorf("%s: baseline %q is not one of the students (%s)", at("baseline"), m.Baseline, strings.Join(m.StudentNames(), ", "))
	}
	seenPlugin := map[string]bool{}
	for i, p := range m.Plugins {
		if p.Name == "" || p.Path == "" {
			return fmt.Errorf("%s: plugin %d needs a name and a path", m.Source, i+1)
		}
		if seenPlugin[p.Name] {
			return fmt.Errorf("%s: two plugins are named %q", m.Source, p.Name)
		}
		if err := checkName("plugin name", p.Name, false); err != nil {
			return fmt.Errorf("%s: %v", m.Source, err)
		}
		if p.CallTimeout != "" {
			d, err := time.ParseDuration(p.CallTimeout)
			if err != nil || d <= 0 || d > MaxCallTimeout {
				return fmt.Errorf("%s: plugin %q: call_timeout = %q: give a duration from 1ms to %s, e.g. \"90s\"", m.Source, p.Name, p.CallTimeout, MaxCallTimeout)
			}
		}
		seenPlugin[p.Name] = true
	}
	return nil
}

// Bounds of the top-level settings.
const (
	// MaxParallel bounds the runs at once: each is a goroutine and, through
	// plugins, several processes.
	MaxParallel = 1024
	// MaxCallTimeout bounds a plugin's call_timeout.
	MaxCallTimeout = 24 * time.Hour
)

// checkName refuses a name that could not stand in a file name or a log
// line: control characters (NUL, newline), "..", and path separators
// unless slashes says they are allowed.
func checkName(what, name string, slashes bool) error {
	for _, r := range name {
		if r < 0x20 || r == 0x7f {
			return fmt.Errorf("%s %q contains a control character (NUL, newline, tab, ...)", what, name)
		}
	}
	if strings.Contains(name, "..") {
		return fmt.Errorf("%s %q may not contain \"..\"", what, name)
	}
	if !slashes && strings.ContainsAny(name, "/\\") {
		return fmt.Errorf("%s %q may not contain slashes", what, name)
	}
	return nil
}

// EnvWhere is where env id is declared in the match file ("file:line"),
// or the file when that is not known.
func (m *Match) EnvWhere(id string) string {
	for i, e := range m.Envs {
		if e.ID == id {
			if lines := tableLines(m.text, "env"); i < len(lines) {
				return fmt.Sprintf("%s:%d", m.Source, lines[i])
			}
		}
	}
	return m.Source
}

// StudentWhere is where the student named name is declared in the match
// file ("file:line"), or the file when that is not known.
func (m *Match) StudentWhere(name string) string {
	for _, s := range m.Students {
		if s.Name == name {
			return m.studentWhere(s)
		}
	}
	return m.Source
}

// StudentNames lists the students in match order.
func (m *Match) StudentNames() []string {
	names := make([]string, len(m.Students))
	for i, s := range m.Students {
		names[i] = s.Name
	}
	return names
}

// studentLine is where a student's table starts, for error messages.
func (m *Match) studentWhere(s StudentEntry) string {
	if s.line > 0 {
		return fmt.Sprintf("%s:%d", m.Source, s.line)
	}
	return m.Source
}

// settingNames finds snake_case setting names in an error message.
var settingNames = regexp.MustCompile(`[a-z]+(?:_[a-z]+)+|\b(?:envs|schedule|decay)\b`)

// Validate checks the match (Check) and then builds each of its components
// once, through r, so that an unknown env, teacher, student kind or
// strategy, or a misspelt student setting, is reported before any run
// starts.
func (m *Match) Validate(r Resolver) error {
	if err := m.Check(); err != nil {
		return err
	}
	specs := map[string]framework.EnvSpec{}
	for _, e := range m.Envs {
		comps, err := r.ForEnv(e)
		if err != nil {
			return fmt.Errorf("%s: env %s: %v", m.EnvWhere(e.ID), e.ID, err)
		}
		venv, err := comps.MakeVectorEnv(e.ID, 1)
		if err != nil {
			return fmt.Errorf("%s: %v", m.EnvWhere(e.ID), err)
		}
		spec := venv.Spec()
		venv.Close()
		specs[e.ID] = spec
		t, err := comps.MakeTeacher(e.Teacher, spec)
		if err != nil {
			return fmt.Errorf("%s: env %s: teacher %q: %v", m.EnvWhere(e.ID), e.ID, e.Teacher, err)
		}
		closeIfCloser(t)
	}
	for _, s := range m.Students {
		comps, err := r.ForStudent(s)
		if err != nil {
			return fmt.Errorf("%s: student %q: %v", m.studentWhere(s), s.Name, err)
		}
		for _, e := range m.Envs {
			st, err := comps.MakeStudent(s.Kind, m.studentConfig(s, specs[e.ID], 0))
			if err != nil {
				return fmt.Errorf("%s: student %q on %s: %v", m.studentWhere(s), s.Name, e.ID, err)
			}
			closeIfCloser(st)
		}
	}
	return nil
}

// perEnvKey is the student setting whose table, keyed by env ID, holds
// settings that replace the student's own on that env (e.g. a parameter
// budget per env). It is the match's, not the kind's: the kind never sees
// it.
const perEnvKey = "per_env"

// checkPerEnv checks that a student's per_env table is a table of tables
// keyed by env IDs of the match.
func (m *Match) checkPerEnv(s StudentEntry) error {
	if _, ok := s.Params[perEnvKey]; !ok {
		return nil
	}
	per, err := s.Params.Sub(perEnvKey)
	if err != nil {
		return err
	}
	ids := map[string]bool{}
	for _, e := range m.Envs {
		ids[e.ID] = true
	}
	for id := range per {
		if !ids[id] {
			return fmt.Errorf("%s: %q is not an env of the match", perEnvKey, id)
		}
		if _, err := per.Sub(id); err != nil {
			return fmt.Errorf("%s: %v", perEnvKey, err)
		}
	}
	return nil
}

// studentConfig is what a student of the match is built from on an env:
// its settings, with those of its per_env table for env in their place.
func (m *Match) studentConfig(s StudentEntry, env framework.EnvSpec, seed uint64) framework.StudentConfig {
	params := framework.Params{}
	for k, v := range s.Params {
		if k != perEnvKey {
			params[k] = v
		}
	}
	if per, err := s.Params.Sub(perEnvKey); err == nil {
		if over, err := per.Sub(env.ID); err == nil {
			for k, v := range over {
				params[k] = v
			}
		}
	}
	adam := m.Adam
	if s.LearningRate != nil {
		adam.LearningRate = *s.LearningRate
	}
	return framework.StudentConfig{
		ObservationSpace: env.ObservationSpace,
		ActionSpace:      env.ActionSpace,
		Seed:             seed,
		Adam:             adam,
		Params:           params,
	}
}

// closeIfCloser releases components that hold resources (plugin clients).
func closeIfCloser(v any) {
	if c, ok := v.(interface{ Close() error }); ok {
		c.Close()
	}
}
