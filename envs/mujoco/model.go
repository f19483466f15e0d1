package mujoco

import (
	"embed"
	"fmt"
)

//go:embed models/*.xml
var modelFiles embed.FS

// modelXML returns an embedded model file.
func modelXML(name string) ([]byte, error) {
	b, err := modelFiles.ReadFile("models/" + name)
	if err != nil {
		return nil, fmt.Errorf("mujoco: no embedded model %q: %w", name, err)
	}
	return b, nil
}

// Geom types, MuJoCo's mjtGeom.
const (
	geomPlane     = 0
	geomSphere    = 2
	geomCapsule   = 3
	geomEllipsoid = 4
	geomCylinder  = 5
	geomBox       = 6
)

// geom is what the renderer needs of one of the model's geoms.
type geom struct {
	typ  int
	size [3]float64
	rgba [4]float32
}

// model is what the environments need to know of a loaded MuJoCo model
// (mjModel's sizes and constants).
type model struct {
	nq, nv, nu, nbody, nsite, ngeom int
	timestep                        float64
	// qpos0 is the reference configuration mj_resetData restores:
	// Gymnasium's init_qpos. Gymnasium's init_qvel is all zeros.
	qpos0             []float64
	ctrlLow, ctrlHigh []float64
	bodies            []string // body names by id
	geoms             []geom
}

// bodyID returns the id of a named body.
func (m *model) bodyID(name string) (int, error) {
	for i, n := range m.bodies {
		if n == name {
			return i, nil
		}
	}
	return 0, fmt.Errorf("mujoco: model has no body %q", name)
}

// frame is the simulation state the rules read after a reset or a step,
// copied out of mjData in one flat buffer.
type frame struct {
	buf            []float64
	qpos, qvel     []float64
	xpos           []float64 // nbody×3 body frame positions
	siteXPos       []float64 // nsite×3
	cfrcExt        []float64 // nbody×6 external contact forces (com-based)
	qfrcConstraint []float64 // nv
}

// frameSize is the number of values in one frame of m.
func frameSize(m *model) int { return m.nq + 2*m.nv + 3*m.nbody + 3*m.nsite + 6*m.nbody }

// newFrame lays a frame over buf (frameSize(m) values), in the order the
// C side writes it.
func newFrame(m *model, buf []float64) frame {
	f := frame{buf: buf}
	take := func(n int) []float64 {
		s := buf[:n:n]
		buf = buf[n:]
		return s
	}
	f.qpos = take(m.nq)
	f.qvel = take(m.nv)
	f.xpos = take(3 * m.nbody)
	f.siteXPos = take(3 * m.nsite)
	f.cfrcExt = take(6 * m.nbody)
	f.qfrcConstraint = take(m.nv)
	return f
}
