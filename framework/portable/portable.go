// Package portable writes and reads arena's portable student format: what a
// program outside arena needs to act exactly as a trained student does, in
// a file it can read without Go.
//
// The format is a safetensors file (https://github.com/huggingface/safetensors):
// an 8-byte little-endian header length, a JSON header, then the tensors'
// raw bytes. Every tensor is float64 (dtype "F64"), so weights cross
// exactly. The header's "__metadata__" holds, as strings:
//
//	"format":   "arena-portable-student"
//	"version":  "1"
//	"topology": the network as a JSON object (its "kind" says how to read it;
//	            the students' packages document theirs)
//	"sha256":   the SHA-256 of the tensor bytes, in hex
//
// safetensors rather than ONNX: a student is a handful of float64 arrays
// and, for SMGrNN, a free-form DAG of single neurons, which a JSON list of
// nodes and edges says directly, where ONNX would need a graph of gather
// and scatter operators (and float64 support in the runtime) to say it.
// safetensors stores float64 exactly, cannot run code when loaded (unlike
// pickle), and is read by numpy in twenty lines, by the safetensors
// package, or by any language with a JSON parser.
//
// Read checks everything against the data before allocating: header size,
// every tensor's dtype, shape and byte range, and the checksum, so a
// damaged or hostile file fails with an error instead of a crash or a huge
// allocation. Write is deterministic: the same tensors give the same bytes.
package portable

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
)

// Format and Version are the metadata's "format" and "version".
const (
	Format  = "arena-portable-student"
	Version = 1
)

// maxHeader bounds the JSON header (safetensors' own limit is 100 MB).
const maxHeader = 16 << 20

// Tensor is one named float64 array, row-major.
type Tensor struct {
	Name  string
	Shape []int
	Data  []float64
}

// Model is a portable student: its topology (a JSON object) and tensors.
type Model struct {
	Topology json.RawMessage
	Tensors  []Tensor
}

// DecodeTopology decodes the topology into v strictly: an unknown field is
// an error, and numbers in untyped fields stay json.Numbers, so no integer
// passes through a float.
func (m *Model) DecodeTopology(v any) error {
	dec := json.NewDecoder(bytes.NewReader(m.Topology))
	dec.DisallowUnknownFields()
	dec.UseNumber()
	return dec.Decode(v)
}

// Tensor returns the tensor called name, or nil.
func (m *Model) Tensor(name string) *Tensor {
	for i := range m.Tensors {
		if m.Tensors[i].Name == name {
			return &m.Tensors[i]
		}
	}
	return nil
}

type entry struct {
	Dtype       string   `json:"dtype"`
	Shape       []int    `json:"shape"`
	DataOffsets [2]int64 `json:"data_offsets"`
}

// Write writes a portable student: topology is marshalled to JSON (it must
// be an object), the tensors follow in the order given.
func Write(w io.Writer, topology any, tensors []Tensor) error {
	topo, err := json.Marshal(topology)
	if err != nil {
		return fmt.Errorf("portable: topology: %w", err)
	}
	if len(topo) == 0 || topo[0] != '{' {
		return errors.New("portable: topology is not a JSON object")
	}
	var data bytes.Buffer
	header := map[string]any{}
	seen := map[string]bool{"__metadata__": true}
	for _, t := range tensors {
		if seen[t.Name] || t.Name == "" {
			return fmt.Errorf("portable: tensor name %q is empty or used twice", t.Name)
		}
		seen[t.Name] = true
		if n, ok := count(t.Shape); !ok || n != int64(len(t.Data)) {
			return fmt.Errorf("portable: tensor %s has %d values for shape %v", t.Name, len(t.Data), t.Shape)
		}
		begin := int64(data.Len())
		for _, v := range t.Data {
			var b [8]byte
			binary.LittleEndian.PutUint64(b[:], math.Float64bits(v))
			data.Write(b[:])
		}
		shape := t.Shape
		if shape == nil {
			shape = []int{}
		}
		header[t.Name] = entry{Dtype: "F64", Shape: shape, DataOffsets: [2]int64{begin, int64(data.Len())}}
	}
	sum := sha256.Sum256(data.Bytes())
	header["__metadata__"] = map[string]string{
		"format": Format, "version": strconv.Itoa(Version), "topology": string(topo), "sha256": hex.EncodeToString(sum[:]),
	}
	h, err := json.Marshal(header) // map keys sorted: the same model gives the same bytes
	if err != nil {
		return fmt.Errorf("portable: header: %w", err)
	}
	// Pad with spaces so the tensor bytes start 8-byte aligned, as
	// safetensors recommends.
	for (8+len(h))%8 != 0 {
		h = append(h, ' ')
	}
	var n [8]byte
	binary.LittleEndian.PutUint64(n[:], uint64(len(h)))
	for _, part := range [][]byte{n[:], h, data.Bytes()} {
		if _, err := w.Write(part); err != nil {
			return fmt.Errorf("portable: %w", err)
		}
	}
	return nil
}

// count is the number of values of a shape, false when a dimension is
// negative or the product overflows.
func count(shape []int) (int64, bool) {
	n := int64(1)
	for _, d := range shape {
		if d < 0 || (d > 0 && n > math.MaxInt64/8/int64(d)) {
			return 0, false
		}
		n *= int64(d)
	}
	return n, true
}

// Is says whether data starts like a portable student (a safetensors header
// naming this format), without checking the rest.
func Is(data []byte) bool {
	if len(data) < 9 || data[8] != '{' {
		return false
	}
	n := binary.LittleEndian.Uint64(data[:8])
	if n > maxHeader || n > uint64(len(data)-8) {
		return false
	}
	return bytes.Contains(data[8:8+n], []byte(`"`+Format+`"`))
}

// Read parses and checks a portable student.
func Read(data []byte) (*Model, error) {
	if len(data) < 8 {
		return nil, errors.New("portable: too short for a safetensors header")
	}
	n := binary.LittleEndian.Uint64(data[:8])
	if n > maxHeader || n > uint64(len(data)-8) {
		return nil, fmt.Errorf("portable: header of %d bytes in a file of %d", n, len(data))
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data[8:8+n], &raw); err != nil {
		return nil, fmt.Errorf("portable: header: %w", err)
	}
	var meta map[string]string
	if err := json.Unmarshal(raw["__metadata__"], &meta); err != nil || meta == nil {
		return nil, errors.New("portable: header has no __metadata__ of strings")
	}
	if meta["format"] != Format {
		return nil, fmt.Errorf("portable: format %q, want %q", meta["format"], Format)
	}
	if meta["version"] != strconv.Itoa(Version) {
		return nil, fmt.Errorf("portable: version %q, this arena reads version %d", meta["version"], Version)
	}
	body := data[8+n:]
	sum := sha256.Sum256(body)
	if meta["sha256"] != hex.EncodeToString(sum[:]) {
		return nil, errors.New("portable: checksum mismatch: the file is damaged")
	}
	topo := json.RawMessage(meta["topology"])
	var probe map[string]any
	if err := json.Unmarshal(topo, &probe); err != nil {
		return nil, fmt.Errorf("portable: topology is not a JSON object: %w", err)
	}
	type named struct {
		name string
		e    entry
	}
	var list []named
	for name, msg := range raw {
		if name == "__metadata__" {
			continue
		}
		var e entry
		dec := json.NewDecoder(bytes.NewReader(msg))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&e); err != nil {
			return nil, fmt.Errorf("portable: tensor %s: %w", name, err)
		}
		if e.Dtype != "F64" {
			return nil, fmt.Errorf("portable: tensor %s has dtype %q; arena writes F64 only", name, e.Dtype)
		}
		list = append(list, named{name, e})
	}
	// Tensors must tile the data exactly, in offset order, and each range
	// must hold exactly its shape's values: checked before any allocation.
	sort.Slice(list, func(i, j int) bool { return list[i].e.DataOffsets[0] < list[j].e.DataOffsets[0] })
	at := int64(0)
	for _, t := range list {
		b, e := t.e.DataOffsets[0], t.e.DataOffsets[1]
		vals, ok := count(t.e.Shape)
		if b != at || e < b || e > int64(len(body)) || !ok || vals*8 != e-b {
			return nil, fmt.Errorf("portable: tensor %s: shape %v and bytes [%d, %d) do not fit the %d bytes of data", t.name, t.e.Shape, b, e, len(body))
		}
		at = e
	}
	if at != int64(len(body)) {
		return nil, fmt.Errorf("portable: %d bytes of data, the tensors use %d", len(body), at)
	}
	m := &Model{Topology: topo, Tensors: make([]Tensor, 0, len(list))}
	for _, t := range list {
		b := t.e.DataOffsets[0]
		vals := make([]float64, (t.e.DataOffsets[1]-b)/8)
		for i := range vals {
			vals[i] = math.Float64frombits(binary.LittleEndian.Uint64(body[b+int64(i)*8:]))
		}
		m.Tensors = append(m.Tensors, Tensor{Name: t.name, Shape: t.e.Shape, Data: vals})
	}
	return m, nil
}
