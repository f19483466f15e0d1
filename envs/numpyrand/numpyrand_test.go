package numpyrand

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

// pcgRecord is one line of the recorded pcg64.jsonl: numpy's output for
// Generator(PCG64(SeedSequence(seed))).
type pcgRecord struct {
	Seed    uint64    `json:"seed"`
	Raw     []string  `json:"random_raw_uint64"`
	Uniform []float64 `json:"uniform_m005_005"`
}

func readPCGRecords(t *testing.T) []pcgRecord {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "testdata", "gymnasium", "pcg64.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var recs []pcgRecord
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var r pcgRecord
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("record %d: %v", len(recs)+1, err)
		}
		recs = append(recs, r)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(recs) == 0 {
		t.Fatal("no records in pcg64.jsonl")
	}
	return recs
}

func TestRecordedRawOutputs(t *testing.T) {
	for _, rec := range readPCGRecords(t) {
		g := New(rec.Seed)
		for i, s := range rec.Raw {
			want, err := strconv.ParseUint(s, 10, 64)
			if err != nil {
				t.Fatalf("seed %d: raw %d: %v", rec.Seed, i, err)
			}
			if got := g.RandomRaw(); got != want {
				t.Errorf("seed %d: raw output %d = %d, numpy gives %d", rec.Seed, i, got, want)
			}
		}
	}
}

func TestRecordedUniform(t *testing.T) {
	for _, rec := range readPCGRecords(t) {
		g := New(rec.Seed)
		for i, want := range rec.Uniform {
			// Bit-exact: numpy's uniform is low + (high-low)*next_double.
			if got := g.Uniform(-0.05, 0.05); got != want {
				t.Errorf("seed %d: uniform %d = %.17g, numpy gives %.17g", rec.Seed, i, got, want)
			}
		}
	}
}

// TestRandomIsTopBitsOfRaw checks next_double's definition against the
// raw stream of an identically seeded generator.
func TestRandomIsTopBitsOfRaw(t *testing.T) {
	a, b := New(7), New(7)
	for i := range 100 {
		raw := a.RandomRaw()
		got := b.Random()
		want := float64(raw>>11) / (1 << 53)
		if got != want || got < 0 || got >= 1 {
			t.Fatalf("draw %d: Random() = %v, want %v from raw %d", i, got, want, raw)
		}
	}
}

func TestGenerateState64PairsWords(t *testing.T) {
	ss := SeedSequenceFromInt(12345)
	w32 := make([]uint32, 8)
	ss.GenerateState(w32)
	w64 := make([]uint64, 4)
	ss.GenerateState64(w64)
	for i, w := range w64 {
		if uint32(w) != w32[2*i] || uint32(w>>32) != w32[2*i+1] {
			t.Fatalf("word %d = %#x, want halves %#x (low) and %#x (high)", i, w, w32[2*i], w32[2*i+1])
		}
	}
}

func TestLargeSeedUsesTwoWords(t *testing.T) {
	// A seed of 2^32 or more is two words in numpy; one below is one word.
	// Distinct seeds must give distinct streams, and the split must match
	// NewSeedSequence on the explicit words.
	big := uint64(1)<<32 | 5
	a := SeedSequenceFromInt(big)
	b := NewSeedSequence(5, 1)
	if a.Pool() != b.Pool() {
		t.Fatalf("SeedSequenceFromInt(%d) pool %#x differs from words (5, 1) pool %#x", big, a.Pool(), b.Pool())
	}
	c := SeedSequenceFromInt(5)
	if a.Pool() == c.Pool() {
		t.Fatal("seeds 5 and 2^32+5 hash to the same pool")
	}
}

func TestDeterministicAndReseed(t *testing.T) {
	g := New(42)
	first := []uint64{g.RandomRaw(), g.RandomRaw(), g.RandomRaw()}
	g.Seed(42)
	for i, want := range first {
		if got := g.RandomRaw(); got != want {
			t.Fatalf("after Seed(42), output %d = %d, want %d", i, got, want)
		}
	}
}

func TestNewFromEntropyDiffers(t *testing.T) {
	a, err := NewFromEntropy()
	if err != nil {
		t.Fatal(err)
	}
	b, err := NewFromEntropy()
	if err != nil {
		t.Fatal(err)
	}
	if a.RandomRaw() == b.RandomRaw() && a.RandomRaw() == b.RandomRaw() {
		t.Fatal("two entropy-seeded generators produced the same stream")
	}
}

func TestSeedDoesNotAllocate(t *testing.T) {
	var g Generator
	allocs := testing.AllocsPerRun(100, func() { g.Seed(3); g.Uniform(0, 1) })
	if allocs != 0 {
		t.Fatalf("Seed+Uniform allocates %v times", allocs)
	}
}

func BenchmarkRandomRaw(b *testing.B) {
	g := New(0)
	var sink uint64
	b.ReportAllocs()
	for b.Loop() {
		sink ^= g.RandomRaw()
	}
	_ = sink
}

func BenchmarkUniform(b *testing.B) {
	g := New(0)
	var sink float64
	b.ReportAllocs()
	for b.Loop() {
		sink += g.Uniform(-0.05, 0.05)
	}
	_ = sink
}

func BenchmarkSeed(b *testing.B) {
	var g Generator
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		g.Seed(uint64(i))
	}
}

// Reseed follows Gymnasium's reset(seed=...): a seed restarts the stream
// as New(seed); the first reset without one seeds it from entropy; a
// later one continues where the stream is.
func TestReseed(t *testing.T) {
	var g Generator
	seeded := false
	if err := Reseed(&g, &seeded, nil); err != nil || !seeded {
		t.Fatalf("first unseeded reset: seeded %v, err %v", seeded, err)
	}
	var other Generator
	otherSeeded := false
	if err := Reseed(&other, &otherSeeded, nil); err != nil {
		t.Fatal(err)
	}
	if g.RandomRaw() == other.RandomRaw() {
		t.Error("two unseeded streams drew the same first value: not from entropy")
	}

	seed := uint64(42)
	if err := Reseed(&g, &seeded, &seed); err != nil {
		t.Fatal(err)
	}
	want := New(42)
	if a, b := g.RandomRaw(), want.RandomRaw(); a != b {
		t.Fatalf("seeded reset draws %d, New(42) draws %d", a, b)
	}
	if err := Reseed(&g, &seeded, nil); err != nil {
		t.Fatal(err)
	}
	if a, b := g.RandomRaw(), want.RandomRaw(); a != b {
		t.Errorf("unseeded reset after a seeded one restarted the stream: drew %d, want %d", a, b)
	}
}
