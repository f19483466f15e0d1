package portable

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/smgrnn/arena/framework"
	"github.com/smgrnn/arena/framework/spacejson"
)

func sample() []Tensor {
	return []Tensor{
		{Name: "layers.0.weight", Shape: []int{2, 3}, Data: []float64{1, -2, 0.1, math.Inf(1), math.Copysign(0, -1), 5e-324}},
		{Name: "layers.0.bias", Shape: []int{2}, Data: []float64{math.NaN(), 7}},
		{Name: "empty", Shape: []int{0}, Data: []float64{}},
	}
}

func write(t *testing.T, topo any, ts []Tensor) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := Write(&b, topo, ts); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestRoundTripExactAndStable(t *testing.T) {
	topo := map[string]any{"kind": "mlp", "sizes": []int{3, 2}}
	data := write(t, topo, sample())
	if !bytes.Equal(data, write(t, topo, sample())) {
		t.Fatal("writing the same model twice gives different bytes")
	}
	if !Is(data) {
		t.Fatal("Is says no to a portable student")
	}
	if (8+binary.LittleEndian.Uint64(data[:8]))%8 != 0 {
		t.Error("tensor data does not start 8-byte aligned")
	}
	m, err := Read(data)
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(m.Topology, &got); err != nil || got["kind"] != "mlp" {
		t.Errorf("topology %s", m.Topology)
	}
	for _, want := range sample() {
		g := m.Tensor(want.Name)
		if g == nil {
			t.Fatalf("tensor %s missing", want.Name)
		}
		if len(g.Data) != len(want.Data) || len(g.Shape) != len(want.Shape) {
			t.Fatalf("tensor %s: %v %v", want.Name, g.Shape, g.Data)
		}
		for i := range want.Data {
			if math.Float64bits(g.Data[i]) != math.Float64bits(want.Data[i]) {
				t.Errorf("tensor %s value %d: %v, want %v", want.Name, i, g.Data[i], want.Data[i])
			}
		}
	}
}

func TestWriteRefusesInconsistentTensors(t *testing.T) {
	for name, ts := range map[string][]Tensor{
		"shape":     {{Name: "w", Shape: []int{2, 2}, Data: []float64{1}}},
		"duplicate": {{Name: "w", Shape: []int{1}, Data: []float64{1}}, {Name: "w", Shape: []int{1}, Data: []float64{1}}},
		"metadata":  {{Name: "__metadata__", Shape: []int{1}, Data: []float64{1}}},
	} {
		if err := Write(&bytes.Buffer{}, map[string]any{}, ts); err == nil {
			t.Errorf("%s: Write succeeded", name)
		}
	}
	if err := Write(&bytes.Buffer{}, []int{1}, nil); err == nil {
		t.Error("a topology that is not an object was written")
	}
}

// rewrite replaces the header of a valid file by f(header), keeping the data.
func rewrite(t *testing.T, data []byte, f func(h map[string]any)) []byte {
	t.Helper()
	n := binary.LittleEndian.Uint64(data[:8])
	var h map[string]any
	if err := json.Unmarshal(data[8:8+n], &h); err != nil {
		t.Fatal(err)
	}
	f(h)
	nh, _ := json.Marshal(h)
	var out bytes.Buffer
	binary.Write(&out, binary.LittleEndian, uint64(len(nh)))
	out.Write(nh)
	out.Write(data[8+n:])
	return out.Bytes()
}

func TestReadRefusesDamage(t *testing.T) {
	good := write(t, map[string]any{"kind": "mlp"}, sample())
	n := binary.LittleEndian.Uint64(good[:8])
	flipped := bytes.Clone(good)
	flipped[len(flipped)-3] ^= 0x10
	huge := bytes.Clone(good)
	binary.LittleEndian.PutUint64(huge[:8], 1<<40)
	tensor := func(name string, f func(e map[string]any)) []byte {
		return rewrite(t, good, func(h map[string]any) { f(h[name].(map[string]any)) })
	}
	cases := map[string]struct {
		data []byte
		want string
	}{
		"empty":             {nil, "too short"},
		"truncated":         {good[:len(good)-8], "checksum"},
		"flipped data byte": {flipped, "checksum"},
		"huge header":       {huge, "header of"},
		"header not json":   {append(append([]byte{}, good[:8]...), bytes.Repeat([]byte("x"), int(n))...), "header"},
		// A 9 KB file declaring a 10000×10000 layer must fail on the
		// declaration, not try to allocate it.
		"declared shape larger than data": {tensor("layers.0.weight", func(e map[string]any) { e["shape"] = []int{10000, 10000} }), "do not fit"},
		"negative dimension":              {tensor("layers.0.bias", func(e map[string]any) { e["shape"] = []int{-2} }), "do not fit"},
		"overflowing shape":               {tensor("layers.0.bias", func(e map[string]any) { e["shape"] = []int{1 << 40, 1 << 40} }), "do not fit"},
		"overlapping offsets":             {tensor("layers.0.bias", func(e map[string]any) { e["data_offsets"] = []int{0, 16} }), "do not fit"},
		"other dtype":                     {tensor("layers.0.bias", func(e map[string]any) { e["dtype"] = "F32" }), "dtype"},
		"unknown field":                   {tensor("layers.0.bias", func(e map[string]any) { e["extra"] = 1 }), "unknown field"},
		"no metadata":                     {rewrite(t, good, func(h map[string]any) { delete(h, "__metadata__") }), "__metadata__"},
		"other format": {rewrite(t, good, func(h map[string]any) {
			h["__metadata__"].(map[string]any)["format"] = "pytorch"
		}), "format"},
		"other version": {rewrite(t, good, func(h map[string]any) {
			h["__metadata__"].(map[string]any)["version"] = "9"
		}), "version"},
		"topology not an object": {rewrite(t, good, func(h map[string]any) {
			h["__metadata__"].(map[string]any)["topology"] = "[1]"
		}), "topology"},
	}
	for name, tc := range cases {
		_, err := Read(tc.data)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one containing %q", name, err, tc.want)
		}
	}
}

func FuzzRead(f *testing.F) {
	var b bytes.Buffer
	Write(&b, map[string]any{"kind": "x"}, sample())
	f.Add(b.Bytes())
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := Read(data)
		if err != nil {
			return
		}
		total := 0
		for _, t := range m.Tensors {
			total += len(t.Data)
		}
		if total*8 > len(data) {
			t.Fatalf("%d values from %d bytes", total, len(data))
		}
	})
}

// A portable student loads only into a student of the same spaces; the
// error names the space that differs.
func TestCheckSpaces(t *testing.T) {
	box := framework.NewBox([]float64{-1, -1}, []float64{1, 1})
	two := &framework.Discrete{N: 2}
	obs, err := spacejson.Encode(box)
	if err != nil {
		t.Fatal(err)
	}
	act, err := spacejson.Encode(two)
	if err != nil {
		t.Fatal(err)
	}
	if err := CheckSpaces(obs, act, box, two); err != nil {
		t.Fatalf("same spaces: %v", err)
	}
	if err := CheckSpaces(obs, act, box, &framework.Discrete{N: 3}); err == nil || !strings.HasPrefix(err.Error(), "action space Discrete(2)") {
		t.Errorf("another action space: %v", err)
	}
	if err := CheckSpaces(act, act, box, two); err == nil || !strings.HasPrefix(err.Error(), "observation space") {
		t.Errorf("another observation space: %v", err)
	}
}

// A topology decodes strictly: an unknown field is refused, and a number
// in an untyped field keeps its digits.
func TestDecodeTopology(t *testing.T) {
	m := &Model{Topology: []byte(`{"kind":"x","extra":{"steps":9007199254740993}}`)}
	var v struct {
		Kind  string         `json:"kind"`
		Extra map[string]any `json:"extra"`
	}
	if err := m.DecodeTopology(&v); err != nil {
		t.Fatal(err)
	}
	if n, ok := v.Extra["steps"].(json.Number); !ok || n.String() != "9007199254740993" {
		t.Errorf("untyped number decoded as %#v", v.Extra["steps"])
	}
	var narrow struct {
		Kind string `json:"kind"`
	}
	if err := m.DecodeTopology(&narrow); err == nil || !strings.Contains(err.Error(), `unknown field "extra"`) {
		t.Errorf("unknown field: %v", err)
	}
}
