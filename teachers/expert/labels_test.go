package expert_test

import (
	"bufio"
	"crypto/sha256"
	"encoding/binary"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/smgrnn/arena/framework"
	"github.com/smgrnn/arena/teachers/expert"
)

var updateLabels = flag.Bool("update-labels", false, "rewrite testdata/labels.txt from the current planners")

const labelsFile = "testdata/labels.txt"

// recordLabels labels every observation of a few seeded episodes of env and
// returns how many it labelled and the SHA-256 of the labels' bits in
// order. With onPolicy the expert's labels drive the episodes (the states a
// teacher meets); otherwise seeded uniform random actions do, and the
// expert labels states off its own path (the states a poor student meets).
func recordLabels(t *testing.T, id string, onPolicy bool) (int, string) {
	t.Helper()
	env, err := framework.MakeEnv(id)
	if err != nil {
		t.Fatal(err)
	}
	defer env.Close()
	spec := env.Spec()
	teacher, err := expert.New(spec, "")
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(11, 12))
	h := sha256.New()
	var labels framework.Labels
	act := make([]float64, spec.ActionSpace.Dim())
	var buf [8]byte
	n := 0
	for seed := range uint64(4) {
		obs, err := env.Reset(framework.Seed(seed))
		if err != nil {
			t.Fatal(err)
		}
		for {
			if err := teacher.Label(obs, 1, &labels); err != nil {
				t.Fatal(err)
			}
			for _, v := range labels.Actions {
				binary.LittleEndian.PutUint64(buf[:], math.Float64bits(v))
				h.Write(buf[:])
			}
			n++
			copy(act, labels.Actions)
			if !onPolicy {
				randomAction(rng, spec.ActionSpace, act)
			}
			st, err := env.Step(act)
			if err != nil {
				t.Fatal(err)
			}
			if st.Done() {
				break
			}
			obs = st.Obs
		}
	}
	return n, fmt.Sprintf("%x", h.Sum(nil))
}

func randomAction(rng *rand.Rand, s framework.Space, act []float64) {
	switch sp := s.(type) {
	case *framework.Discrete:
		act[0] = float64(sp.Start + rng.IntN(sp.N))
	case *framework.Box:
		for i := range act {
			act[i] = sp.Low[i] + (sp.High[i]-sp.Low[i])*rng.Float64()
		}
	default:
		panic(fmt.Sprintf("no random action for %T", s))
	}
}

// TestRecordedLabels holds every expert to the labels it gave when they
// were recorded, bit for bit, on and off its own path: the planners'
// speed-ups must not change a single label, because every recorded match
// result was distilled from them.
func TestRecordedLabels(t *testing.T) {
	var got []string
	for _, id := range expert.EnvIDs() {
		for _, on := range []bool{true, false} {
			kind := "off-policy"
			if on {
				kind = "on-policy"
			}
			n, sum := recordLabels(t, id, on)
			got = append(got, fmt.Sprintf("%s %s %d %s", id, kind, n, sum))
		}
	}
	if *updateLabels {
		if err := os.WriteFile(labelsFile, []byte(strings.Join(got, "\n")+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	f, err := os.Open(filepath.FromSlash(labelsFile))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var want []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		want = append(want, sc.Text())
	}
	if len(want) != len(got) {
		t.Fatalf("%d recorded label sets, %d computed", len(want), len(got))
	}
	for i := range got {
		if got[i] != want[i] {
			t.Errorf("labels changed:\n got %s\nwant %s", got[i], want[i])
		}
	}
}
