package box2d

// fakeWorld records what an environment builds and plays back states,
// events and ray fractions that a test sets, so the rules can be tested
// without Box2D.
type fakeWorld struct {
	bodies   []fakeBody
	edges    [][2]vec
	forces   []vec
	states   map[int]bodyState
	queued   []contactEvent
	fraction float64
	angles   [][2]float64
	joints   int
	motors   map[int][2]float64
	steps    int
}

type fakeBody struct {
	dynamic bool
	at      vec
	angle   float64
}

func newFake() *fakeWorld {
	return &fakeWorld{states: map[int]bodyState{}, motors: map[int][2]float64{}, fraction: 1}
}

func (f *fakeWorld) body(dynamic bool, at vec, angle float64) int {
	f.bodies = append(f.bodies, fakeBody{dynamic, at, angle})
	return len(f.bodies) - 1
}
func (f *fakeWorld) polygon(int, []vec, fixtureDef)     {}
func (f *fakeWorld) edge(_ int, a, b vec, _ fixtureDef) { f.edges = append(f.edges, [2]vec{a, b}) }
func (f *fakeWorld) forceCenter(_ int, v vec)           { f.forces = append(f.forces, v) }
func (f *fakeWorld) impulse(int, vec, vec)              {}
func (f *fakeWorld) state(b int) bodyState              { return f.states[b] }
func (f *fakeWorld) revolute(revoluteDef) int           { f.joints++; return f.joints - 1 }
func (f *fakeWorld) motor(j int, speed, torque float64) { f.motors[j] = [2]float64{speed, torque} }
func (f *fakeWorld) step(float64, int, int)             { f.steps++ }
func (f *fakeWorld) raycast(vec, vec, uint16) float64   { return f.fraction }
func (f *fakeWorld) close()                             {}
func (f *fakeWorld) joint(j int) (float64, float64) {
	if j < len(f.angles) {
		return f.angles[j][0], f.angles[j][1]
	}
	return 0, 0
}
func (f *fakeWorld) events(dst []contactEvent) []contactEvent {
	dst = append(dst, f.queued...)
	f.queued = nil
	return dst
}
