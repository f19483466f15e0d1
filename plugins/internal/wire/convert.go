package wire

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"sort"
	"strings"

	"github.com/smgrnn/arena/framework"
	arenav1 "github.com/smgrnn/arena/plugins/proto/arena/v1"
)

// SpaceToProto converts a framework space to its wire form. Only Box and
// Discrete cross the wire; other spaces are an error.
func SpaceToProto(s framework.Space) (*arenav1.Space, error) {
	switch s := s.(type) {
	case *framework.Box:
		shape := make([]int64, len(s.Shape))
		for i, d := range s.Shape {
			shape[i] = int64(d)
		}
		return &arenav1.Space{Kind: &arenav1.Space_Box{Box: &arenav1.Box{Low: s.Low, High: s.High, Shape: shape}}}, nil
	case *framework.Discrete:
		return &arenav1.Space{Kind: &arenav1.Space_Discrete{Discrete: &arenav1.Discrete{N: int64(s.N), Start: int64(s.Start)}}}, nil
	case nil:
		return nil, fmt.Errorf("space is missing")
	}
	return nil, fmt.Errorf("space %s cannot cross the plugin protocol (only Box and Discrete can)", s)
}

// SpaceFromProto converts a wire space back and validates it, so a
// malformed space from a peer is an error here rather than a panic later.
func SpaceFromProto(p *arenav1.Space) (framework.Space, error) {
	var s framework.Space
	switch {
	case p.GetBox() != nil:
		b := p.GetBox()
		shape := make([]int, len(b.Shape))
		for i, d := range b.Shape {
			if d <= 0 || d > math.MaxInt32 {
				return nil, fmt.Errorf("box shape %v has a bad dimension", b.Shape)
			}
			shape[i] = int(d)
		}
		if len(shape) == 0 {
			shape = []int{len(b.Low)}
		}
		s = &framework.Box{Low: append([]float64(nil), b.Low...), High: append([]float64(nil), b.High...), Shape: shape}
	case p.GetDiscrete() != nil:
		d := p.GetDiscrete()
		if d.N <= 0 || d.N > math.MaxInt32 || d.Start < math.MinInt32 || d.Start > math.MaxInt32 {
			return nil, fmt.Errorf("discrete space n=%d start=%d is out of range", d.N, d.Start)
		}
		s = &framework.Discrete{N: int(d.N), Start: int(d.Start)}
	default:
		return nil, fmt.Errorf("space is missing")
	}
	if err := framework.Validate(s); err != nil {
		return nil, err
	}
	return s, nil
}

// EnvSpecToProto converts an environment spec to its wire form.
func EnvSpecToProto(s framework.EnvSpec) (*arenav1.EnvSpec, error) {
	obs, err := SpaceToProto(s.ObservationSpace)
	if err != nil {
		return nil, fmt.Errorf("observation space: %w", err)
	}
	act, err := SpaceToProto(s.ActionSpace)
	if err != nil {
		return nil, fmt.Errorf("action space: %w", err)
	}
	return &arenav1.EnvSpec{Id: s.ID, ObservationSpace: obs, ActionSpace: act,
		MaxEpisodeSteps: int64(s.MaxEpisodeSteps), RewardThreshold: s.RewardThreshold, RenderFps: int64(s.RenderFPS)}, nil
}

// EnvSpecFromProto converts a wire environment spec back and validates it.
func EnvSpecFromProto(p *arenav1.EnvSpec) (framework.EnvSpec, error) {
	if p == nil {
		return framework.EnvSpec{}, fmt.Errorf("environment spec is missing")
	}
	obs, err := SpaceFromProto(p.ObservationSpace)
	if err != nil {
		return framework.EnvSpec{}, fmt.Errorf("observation space: %w", err)
	}
	act, err := SpaceFromProto(p.ActionSpace)
	if err != nil {
		return framework.EnvSpec{}, fmt.Errorf("action space: %w", err)
	}
	if p.MaxEpisodeSteps < 0 || p.MaxEpisodeSteps > math.MaxInt32 {
		return framework.EnvSpec{}, fmt.Errorf("max_episode_steps %d is out of range", p.MaxEpisodeSteps)
	}
	if p.RenderFps < 0 || p.RenderFps > math.MaxInt32 {
		return framework.EnvSpec{}, fmt.Errorf("render_fps %d is out of range", p.RenderFps)
	}
	spec := framework.EnvSpec{ID: p.Id, ObservationSpace: obs, ActionSpace: act, MaxEpisodeSteps: int(p.MaxEpisodeSteps),
		RenderFPS: int(p.RenderFps)}
	if p.RewardThreshold != nil {
		spec.RewardThreshold = new(*p.RewardThreshold)
	}
	return spec, nil
}

// AdamToProto converts optimizer settings to their wire form.
func AdamToProto(a framework.Adam) *arenav1.Adam {
	return &arenav1.Adam{LearningRate: a.LearningRate, Beta1: a.Beta1, Beta2: a.Beta2, Epsilon: a.Epsilon, GradClip: a.GradClip}
}

// AdamFromProto converts wire optimizer settings back.
func AdamFromProto(p *arenav1.Adam) framework.Adam {
	return framework.Adam{LearningRate: p.GetLearningRate(), Beta1: p.GetBeta1(), Beta2: p.GetBeta2(), Epsilon: p.GetEpsilon(), GradClip: p.GetGradClip()}
}

// ParamsToJSON encodes a student's settings for the wire. Integers (int,
// int64, ...) are written as integer literals and floats always with a
// decimal point or exponent, so ParamsFromJSON restores each value's type
// exactly as the TOML decoder produced it: a component behaves the same in
// process and behind the protocol.
func ParamsToJSON(p framework.Params) (string, error) {
	var buf bytes.Buffer
	if err := writeJSONValue(&buf, map[string]any(p)); err != nil {
		return "", err
	}
	return buf.String(), nil
}

func writeJSONValue(buf *bytes.Buffer, v any) error {
	switch x := v.(type) {
	case nil:
		buf.WriteString("null")
	case bool, string:
		b, _ := json.Marshal(x)
		buf.Write(b)
	case int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64:
		fmt.Fprintf(buf, "%d", x)
	case float32:
		return writeJSONValue(buf, float64(x))
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return fmt.Errorf("setting value %v cannot be sent to a plugin", x)
		}
		s := fmt.Sprintf("%v", x)
		if !strings.ContainsAny(s, ".eE") {
			s += ".0"
		}
		buf.WriteString(s)
	case framework.Params:
		return writeJSONValue(buf, map[string]any(x))
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		buf.WriteByte('{')
		for i, k := range keys {
			if i > 0 {
				buf.WriteByte(',')
			}
			kb, _ := json.Marshal(k)
			buf.Write(kb)
			buf.WriteByte(':')
			if err := writeJSONValue(buf, x[k]); err != nil {
				return fmt.Errorf("%s: %w", k, err)
			}
		}
		buf.WriteByte('}')
	case []any:
		buf.WriteByte('[')
		for i, e := range x {
			if i > 0 {
				buf.WriteByte(',')
			}
			if err := writeJSONValue(buf, e); err != nil {
				return err
			}
		}
		buf.WriteByte(']')
	default:
		// Typed slices ([]int64, []float64, []string, ...) element by
		// element, so each keeps its type.
		rv := reflect.ValueOf(x)
		if rv.Kind() != reflect.Slice && rv.Kind() != reflect.Array {
			return fmt.Errorf("setting value %v of type %T cannot be sent to a plugin", x, x)
		}
		list := make([]any, rv.Len())
		for i := range list {
			list[i] = rv.Index(i).Interface()
		}
		return writeJSONValue(buf, list)
	}
	return nil
}

// ParamsFromJSON decodes settings written by ParamsToJSON (or by a plugin
// host in another language): integer literals become int64, other numbers
// float64, objects map[string]any and arrays []any.
func ParamsFromJSON(s string) (framework.Params, error) {
	if strings.TrimSpace(s) == "" {
		return framework.Params{}, nil
	}
	d := json.NewDecoder(strings.NewReader(s))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, fmt.Errorf("student settings are not JSON: %w", err)
	}
	m, ok := fromNumbers(v).(map[string]any)
	if !ok {
		return nil, fmt.Errorf("student settings must be a JSON object")
	}
	return framework.Params(m), nil
}

func fromNumbers(v any) any {
	switch x := v.(type) {
	case json.Number:
		if i, err := x.Int64(); err == nil && !strings.ContainsAny(string(x), ".eE") {
			return i
		}
		f, _ := x.Float64()
		return f
	case map[string]any:
		for k, e := range x {
			x[k] = fromNumbers(e)
		}
		return x
	case []any:
		for i, e := range x {
			x[i] = fromNumbers(e)
		}
		return x
	}
	return v
}

// LabelsToProto converts teacher labels to their wire form.
func LabelsToProto(l *framework.Labels) *arenav1.Labels {
	return &arenav1.Labels{Actions: l.Actions, HasProbs: l.Probs != nil, Probs: l.Probs,
		HasGaussian: l.Mean != nil, Mean: l.Mean, Std: l.Std}
}

// LabelsFromProto converts wire labels back, keeping nil for an absent
// distribution (Labels.Soft depends on it).
func LabelsFromProto(p *arenav1.Labels, out *framework.Labels) {
	out.Actions = append(out.Actions[:0], p.GetActions()...)
	out.Probs, out.Mean, out.Std = nil, nil, nil
	if p.GetHasProbs() {
		out.Probs = append(make([]float64, 0, len(p.Probs)), p.Probs...)
	}
	if p.GetHasGaussian() {
		out.Mean = append(make([]float64, 0, len(p.Mean)), p.Mean...)
		out.Std = append(make([]float64, 0, len(p.Std)), p.Std...)
	}
}

// SizeToProto converts a network size to its wire form.
func SizeToProto(s framework.Size) *arenav1.Size {
	return &arenav1.Size{Params: int64(s.Params), Hidden: int64(s.Hidden), Edges: int64(s.Edges)}
}

// SizeFromProto converts a wire size back.
func SizeFromProto(p *arenav1.Size) framework.Size {
	return framework.Size{Params: int(p.GetParams()), Hidden: int(p.GetHidden()), Edges: int(p.GetEdges())}
}
