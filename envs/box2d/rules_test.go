package box2d

import (
	"encoding/json"
	"math"
	"os"
	"testing"

	"github.com/smgrnn/arena/envs/numpyrand"
)

type recordedResets struct {
	Lunar []struct {
		Seed    uint64       `json:"seed"`
		Edges   [][4]float64 `json:"edges"`
		Force   [2]float64   `json:"force"`
		Helipad [3]float64   `json:"helipad"`
		Next    float64      `json:"next_uniform"`
	} `json:"lunar"`
	Walker []struct {
		Seed     uint64         `json:"seed"`
		TerrainX []float64      `json:"terrain_x"`
		TerrainY []float64      `json:"terrain_y"`
		Clouds   [][][2]float64 `json:"clouds"`
		Force    [2]float64     `json:"force"`
		Next     float64        `json:"next_uniform"`
	} `json:"walker"`
}

func loadResets(t *testing.T) recordedResets {
	t.Helper()
	data, err := os.ReadFile("testdata/gymnasium-resets.json")
	if err != nil {
		t.Fatal(err)
	}
	var r recordedResets
	if err := json.Unmarshal(data, &r); err != nil {
		t.Fatal(err)
	}
	return r
}

// The lander's world is built from the same draws as Gymnasium's, to the
// bit: terrain, pad and initial force, and no draw more or less.
func TestLanderResetDrawsMatchGymnasium(t *testing.T) {
	for _, rec := range loadResets(t).Lunar {
		w := newFake()
		l := &lander{}
		rng := numpyrand.New(rec.Seed)
		l.build(w, rng)
		// The first edge is the moon's base line, the rest its surface.
		if got := len(w.edges) - 1; got != len(rec.Edges) {
			t.Fatalf("seed %d: %d surface edges, Gymnasium %d", rec.Seed, got, len(rec.Edges))
		}
		for i, e := range rec.Edges {
			got := w.edges[i+1]
			if got[0].x != e[0] || got[0].y != e[1] || got[1].x != e[2] || got[1].y != e[3] {
				t.Fatalf("seed %d, edge %d: %v, Gymnasium %v", rec.Seed, i, got, e)
			}
		}
		if len(w.forces) != 1 || w.forces[0].x != rec.Force[0] || w.forces[0].y != rec.Force[1] {
			t.Errorf("seed %d: initial force %v, Gymnasium %v", rec.Seed, w.forces, rec.Force)
		}
		if l.helipadX1 != rec.Helipad[0] || l.helipadX2 != rec.Helipad[1] || l.helipadY != rec.Helipad[2] {
			t.Errorf("seed %d: helipad %v %v %v, Gymnasium %v", rec.Seed, l.helipadX1, l.helipadX2, l.helipadY, rec.Helipad)
		}
		if got := rng.Uniform(-1, 1); got != rec.Next {
			t.Errorf("seed %d: the stream after the reset gives %v, Gymnasium's %v", rec.Seed, got, rec.Next)
		}
	}
}

// The walker's terrain, clouds and push come from the same draws as
// Gymnasium's, to the bit.
func TestWalkerResetDrawsMatchGymnasium(t *testing.T) {
	for _, rec := range loadResets(t).Walker {
		w := newFake()
		wk := &walker{}
		rng := numpyrand.New(rec.Seed)
		wk.build(w, rng)
		for i := range rec.TerrainX {
			if wk.terrainX[i] != rec.TerrainX[i] || wk.terrainY[i] != rec.TerrainY[i] {
				t.Fatalf("seed %d, terrain point %d: (%v, %v), Gymnasium (%v, %v)", rec.Seed, i, wk.terrainX[i], wk.terrainY[i], rec.TerrainX[i], rec.TerrainY[i])
			}
		}
		if len(w.edges) != terrainLength-1 {
			t.Errorf("seed %d: %d terrain edges, want %d", rec.Seed, len(w.edges), terrainLength-1)
		}
		// Clouds are only drawn; Go's sin and cos may differ from glibc's
		// in the last bit, so they are compared to a few ulps.
		for i, poly := range rec.Clouds {
			for k, p := range poly {
				if !near(wk.clouds[i][k].x, p[0]) || !near(wk.clouds[i][k].y, p[1]) {
					t.Fatalf("seed %d, cloud %d point %d: %v, Gymnasium %v", rec.Seed, i, k, wk.clouds[i][k], p)
				}
			}
		}
		if len(w.forces) != 1 || w.forces[0].x != rec.Force[0] || w.forces[0].y != rec.Force[1] {
			t.Errorf("seed %d: initial force %v, Gymnasium %v", rec.Seed, w.forces, rec.Force)
		}
		if got := rng.Uniform(-1, 1); got != rec.Next {
			t.Errorf("seed %d: the stream after the reset gives %v, Gymnasium's %v", rec.Seed, got, rec.Next)
		}
	}
}

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-12*math.Max(1, math.Abs(b)) }

// The lander's reward: the change of the shaping, less fuel; −100 for a
// crash or leaving the screen; +100 for coming to rest, which wins.
func TestLanderReward(t *testing.T) {
	s1 := []float64{0.3, 0.4, 0.6, -0.8, -0.2, 0.1, 1, 0}
	// −100·0.5 − 100·1 − 100·0.2 + 10 = −160
	if sh := shaping(s1); !near(sh, -160) {
		t.Fatalf("shaping %v, want −160", sh)
	}
	s2 := []float64{0.3, 0.4, 0.6, -0.8, -0.2, 0.1, 1, 1} // the other leg lands: +10
	cases := []struct {
		name           string
		gameOver       bool
		state          []float64
		m, s           float64
		asleep         bool
		want           float64
		wantTerminated bool
	}{
		{"shaping gained, main engine", false, s2, 1, 0, false, 10 - 0.3, false},
		{"shaping gained, side engine at 0.7", false, s2, 0, 0.7, false, 10 - 0.021, false},
		{"hull touched", true, s2, 1, 1, false, -100, true},
		{"left the screen", false, []float64{-1, 0, 0, 0, 0, 0, 0, 0}, 0, 0, false, -100, true},
		{"just inside", false, []float64{0.9999, 0, 0, 0, 0, 0, 0, 0}, 0, 0, false, -100*0.9999 - -160, false},
		{"at rest", false, s2, 0, 0, true, 100, true},
		{"at rest after touching", true, s2, 0, 0, true, 100, true},
	}
	for _, c := range cases {
		l := &lander{}
		if r, _ := l.reward(s1, 0, 0, false); r != 0 {
			t.Fatalf("%s: the first step's reward is %v, want 0 (no previous shaping)", c.name, r)
		}
		l.gameOver = c.gameOver
		r, term := l.reward(c.state, c.m, c.s, c.asleep)
		if !near(r, c.want) || term != c.wantTerminated {
			t.Errorf("%s: reward %v terminated %v, want %v %v", c.name, r, term, c.want, c.wantTerminated)
		}
	}
}

// Contacts follow Gymnasium's listener: a leg's flag is its last begin or
// end (an end clears it even if another contact of the leg goes on), and
// any begin of the hull ends the game.
func TestLanderContacts(t *testing.T) {
	l := &lander{body: 1, legs: [2]int{2, 3}}
	const moon = 0
	steps := []struct {
		events   []contactEvent
		legs     [2]bool
		gameOver bool
	}{
		{[]contactEvent{{moon, 2, true}}, [2]bool{true, false}, false},
		{[]contactEvent{{3, moon, true}, {moon, 2, true}}, [2]bool{true, true}, false},
		{[]contactEvent{{moon, 2, false}}, [2]bool{false, true}, false}, // one of two contacts ended
		{[]contactEvent{{moon, 1, false}}, [2]bool{false, true}, false}, // the hull's end is no crash
		{[]contactEvent{{1, moon, true}}, [2]bool{false, true}, true},
	}
	for i, s := range steps {
		l.contacts(s.events)
		if l.legContact != s.legs || l.gameOver != s.gameOver {
			t.Fatalf("after step %d: legs %v game over %v, want %v %v", i, l.legContact, l.gameOver, s.legs, s.gameOver)
		}
	}
}

// The engines: impulses and where they act, worked out by hand for an
// upright lander at (10, 5) and for one tilted a quarter turn.
func TestLanderEngines(t *testing.T) {
	pos := vec{10, 5}
	type want struct {
		power       float64
		impulse, at vec
	}
	cases := []struct {
		name       string
		continuous bool
		action     []float64
		angle      float64
		disp       [2]float64
		main, side want
	}{
		{"main, upright", false, []float64{2}, 0, [2]float64{0, 0},
			want{1, vec{0, 13 * 4.0 / 30}, vec{10, 5 - 4.0/30}}, want{}},
		{"main, dispersed", false, []float64{2}, 0, [2]float64{0.01, 0.02},
			// ox = −0.02 (side.x = −1), oy = −(4/30 + 0.02)
			want{1, vec{0.02 * 13, (4.0/30 + 0.02) * 13}, vec{10 - 0.02, 5 - (4.0/30 + 0.02)}}, want{}},
		{"left engine, upright", false, []float64{1}, 0, [2]float64{0, 0},
			// direction −1: ox = −1·(−12/30) = 0.4, oy = 0
			want{}, want{1, vec{-0.4 * 0.6, 0}, vec{10 + 0.4, 5 + 14.0/30}}},
		{"right engine, upright", false, []float64{3}, 0, [2]float64{0, 0},
			want{}, want{1, vec{0.4 * 0.6, 0}, vec{10 - 0.4, 5 + 14.0/30}}},
		{"nothing", false, []float64{0}, 0, [2]float64{0.01, 0.01}, want{}, want{}},
		{"main at half throttle, quarter turn", true, []float64{0, 0}, math.Pi / 2, [2]float64{0, 0}, want{}, want{}},
		{"continuous main 0.5, side −0.7, quarter turn", true, []float64{0.5, -0.7}, math.Pi / 2, [2]float64{0, 0},
			// tip = (1, 0), side = (0, 1): main ox = 4/30, oy = 0; side ox = 0, oy = −(−12/30) = 0.4
			want{0.75, vec{-4.0 / 30 * 13 * 0.75, 0}, vec{10 + 4.0/30, 5}},
			want{0.7, vec{0, -0.4 * 0.6 * 0.7}, vec{10 - 17.0/30, 5 + 0.4}}},
		{"continuous side 0.5 does not fire", true, []float64{-1, 0.5}, 0, [2]float64{0, 0}, want{}, want{}},
	}
	for _, c := range cases {
		l := &lander{continuous: c.continuous}
		main, side := l.engines(c.action, pos, c.angle, c.disp)
		for _, p := range []struct {
			name string
			got  thrust
			want want
		}{{"main", main, c.main}, {"side", side, c.side}} {
			g, w := p.got, p.want
			if !near(g.power, w.power) || !near(g.impulse.x, w.impulse.x) || !near(g.impulse.y, w.impulse.y) ||
				(w.power > 0 && (!near(g.at.x, w.at.x) || !near(g.at.y, w.at.y))) {
				t.Errorf("%s, %s engine: %+v, want %+v", c.name, p.name, g, w)
			}
		}
	}
}

// The landers take an integer of 0–3, or two finite values clipped to
// [−1, 1] when continuous.
func TestLanderActions(t *testing.T) {
	d, c := &lander{}, &lander{continuous: true}
	dst := make([]float64, 2)
	for _, a := range [][]float64{{0}, {3}} {
		if !d.validate(a, dst) {
			t.Errorf("discrete %v refused", a)
		}
	}
	for _, a := range [][]float64{{4}, {-1}, {1.5}, {0, 1}, {math.NaN()}} {
		if d.validate(a, dst) {
			t.Errorf("discrete %v accepted", a)
		}
	}
	if !c.validate([]float64{5, -5}, dst) || dst[0] != 5 {
		t.Errorf("continuous out-of-bounds action refused or changed before the clip: %v", dst)
	}
	for _, a := range [][]float64{{0}, {math.NaN(), 0}, {math.Inf(1), 0}} {
		if c.validate(a, dst) {
			t.Errorf("continuous %v accepted", a)
		}
	}
}

// The walker's motors turn at full speed in the action's direction with
// the action's share of the torque.
func TestWalkerMotors(t *testing.T) {
	speed, torque := motors([]float64{0.5, -2, 0, -0.25})
	if speed != [4]float64{4, -6, 0, -6} || torque != [4]float64{40, 80, 0, 20} {
		t.Fatalf("speeds %v torques %v", speed, torque)
	}
}

// The walker's reward: progress (130 per 30 m) and a level hull, less
// the torque used; −100 for a fall or going back past the start; the end
// of the terrain ends the episode with its ordinary reward.
func TestWalkerReward(t *testing.T) {
	end := (terrainLength - terrainGrass) * terrainStep
	cases := []struct {
		name     string
		gameOver bool
		x, angle float64
		action   []float64
		want     float64
		term     bool
	}{
		{"forward", false, 3 + 0.3, 0, []float64{0, 0, 0, 0}, 130 * 0.3 / 30, false},
		{"forward, tilted, full torque", false, 3 + 0.3, 0.1, []float64{1, -1, 1, -1}, 130*0.3/30 - 0.5 - 4*0.00035*80, false},
		{"fell", true, 3.3, 0, []float64{0, 0, 0, 0}, -100, true},
		{"back past the start", false, -0.01, 0, []float64{0, 0, 0, 0}, -100, true},
		{"the end", false, end + 0.01, 0, []float64{0, 0, 0, 0}, 130 * (end + 0.01 - 3) / 30, true},
	}
	for _, c := range cases {
		wk := &walker{gameOver: c.gameOver}
		wk.reward([]float64{0}, 3, []float64{0, 0, 0, 0})
		r, term := wk.reward([]float64{c.angle}, c.x, c.action)
		if !near(r, c.want) || term != c.term {
			t.Errorf("%s: reward %v terminated %v, want %v %v", c.name, r, term, c.want, c.term)
		}
	}
}

// Only the lower legs' contacts count, and the hull's begin ends the game.
func TestWalkerContacts(t *testing.T) {
	wk := &walker{hull: 5, legs: [4]int{6, 7, 8, 9}}
	wk.contacts([]contactEvent{{0, 6, true}, {0, 7, true}, {9, 0, true}})
	if wk.contact != [4]bool{false, true, false, true} || wk.gameOver {
		t.Fatalf("contacts %v game over %v", wk.contact, wk.gameOver)
	}
	wk.contacts([]contactEvent{{0, 7, false}, {5, 0, true}})
	if wk.contact[1] || !wk.gameOver {
		t.Fatalf("after the end and the hull: contacts %v game over %v", wk.contact, wk.gameOver)
	}
}

// A step's observation, from a constructed world: joints, contacts and
// lidar land in Gymnasium's places and scales.
func TestWalkerObservation(t *testing.T) {
	w := newFake()
	wk := &walker{}
	wk.build(w, numpyrand.New(0))
	w.states[wk.hull] = bodyState{pos: vec{5, 6}, angle: 0.2, vel: vec{1, -2}, angVel: 0.5, awake: true}
	w.angles = [][2]float64{{0.1, 2}, {-0.5, 3}, {0.3, -4}, {-1, 6}}
	w.fraction = 0.25
	w.queued = []contactEvent{{0, wk.legs[3], true}}
	obs := make([]float64, 24)
	wk.step(w, nil, []float64{0, 0, 0, 0}, obs)
	want := []float64{0.2, 2 * 0.5 / 50, 0.3 * 1 * 20 / 50, 0.3 * -2 * (400.0 / 30) / 50,
		0.1, 0.5, 0.5, 0.5, 0, 0.3, -1, 0, 1, 1}
	for i, v := range want {
		if !near(obs[i], v) {
			t.Errorf("observation %d: %v, want %v", i, obs[i], v)
		}
	}
	for i := 14; i < 24; i++ {
		if obs[i] != 0.25 {
			t.Errorf("lidar %d: %v, want 0.25", i-14, obs[i])
		}
	}
	if w.steps != 1 || w.motors[0] != [2]float64{0, 0} {
		t.Errorf("steps %d, hip motor %v", w.steps, w.motors[0])
	}
}
