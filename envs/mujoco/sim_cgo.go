//go:build mujoco && cgo

package mujoco

/*
#cgo LDFLAGS: -lmujoco
#include <stdlib.h>
#include <string.h>
#include <mujoco/mujoco.h>

// arena_load compiles an MJCF document held in memory, through a virtual
// file system so nothing touches the disk.
static mjModel* arena_load(const char* name, const char* xml, int len, char* err, int errlen) {
	mjVFS vfs;
	mj_defaultVFS(&vfs);
	if (mj_makeEmptyFileVFS(&vfs, name, len) != 0) {
		strncpy(err, "cannot make the VFS file", errlen);
		return NULL;
	}
	int i = mj_findFileVFS(&vfs, name);
	memcpy(vfs.filedata[i], xml, len);
	mjModel* m = mj_loadXML(name, &vfs, err, errlen);
	mj_deleteVFS(&vfs);
	return m;
}

// arena_copy writes the frame the Go rules read: qpos, qvel, xpos,
// site_xpos, cfrc_ext, qfrc_constraint.
static void arena_copy(const mjModel* m, const mjData* d, double* out) {
	memcpy(out, d->qpos, sizeof(double)*m->nq); out += m->nq;
	memcpy(out, d->qvel, sizeof(double)*m->nv); out += m->nv;
	memcpy(out, d->xpos, sizeof(double)*3*m->nbody); out += 3*m->nbody;
	memcpy(out, d->site_xpos, sizeof(double)*3*m->nsite); out += 3*m->nsite;
	memcpy(out, d->cfrc_ext, sizeof(double)*6*m->nbody); out += 6*m->nbody;
	memcpy(out, d->qfrc_constraint, sizeof(double)*m->nv);
}

static void arena_reset(const mjModel* m, mjData* d, const double* qpos, const double* qvel, double* out) {
	mj_resetData(m, d);
	memcpy(d->qpos, qpos, sizeof(double)*m->nq);
	memcpy(d->qvel, qvel, sizeof(double)*m->nv);
	mj_forward(m, d);
	arena_copy(m, d, out);
}

static void arena_step1(const mjModel* m, mjData* d, const double* ctrl, int frames, double* out) {
	memcpy(d->ctrl, ctrl, sizeof(double)*m->nu);
	for (int i = 0; i < frames; i++) mj_step(m, d);
	mj_rnePostConstraint(m, d);
	arena_copy(m, d, out);
}

// arena_step_many steps n simulations of one model in one call: the
// vector environment's whole step crosses cgo once.
static void arena_step_many(const mjModel* m, mjData** ds, int n, const double* ctrl, int frames, double* out, int framesize) {
	for (int k = 0; k < n; k++) arena_step1(m, ds[k], ctrl + k*m->nu, frames, out + k*framesize);
}

// arena_raw runs mj_step steps times, for the benchmark against plain MuJoCo.
static void arena_raw(const mjModel* m, mjData* d, int steps) {
	for (int i = 0; i < steps; i++) mj_step(m, d);
}

static void arena_geoms(const mjModel* m, const mjData* d, double* xpos, double* xmat) {
	memcpy(xpos, d->geom_xpos, sizeof(double)*3*m->ngeom);
	memcpy(xmat, d->geom_xmat, sizeof(double)*9*m->ngeom);
}

static const char* arena_body_name(const mjModel* m, int i) { return mj_id2name(m, mjOBJ_BODY, i); }
*/
import "C"

import (
	"fmt"
	"runtime"
	"sync"
	"unsafe"
)

// Available reports whether this build can run MuJoCo (built with the
// mujoco tag and cgo).
const Available = true

// cModel is a compiled model shared by the simulations made from it; it is
// freed when the last of them closes.
type cModel struct {
	mu   sync.Mutex
	ptr  *C.mjModel
	refs int
	info model
}

func (c *cModel) acquire() { c.mu.Lock(); c.refs++; c.mu.Unlock() }

func (c *cModel) release() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.refs--
	if c.refs == 0 && c.ptr != nil {
		C.mj_deleteModel(c.ptr)
		c.ptr = nil
	}
}

// loadModel compiles an embedded model file.
func loadModel(file string) (*cModel, error) {
	xml, err := modelXML(file)
	if err != nil {
		return nil, err
	}
	name := C.CString(file)
	defer C.free(unsafe.Pointer(name))
	buf := C.CBytes(xml)
	defer C.free(buf)
	var errBuf [1000]C.char
	m := C.arena_load(name, (*C.char)(buf), C.int(len(xml)), &errBuf[0], C.int(len(errBuf)))
	if m == nil {
		return nil, fmt.Errorf("mujoco: loading %s: %s", file, C.GoString(&errBuf[0]))
	}
	c := &cModel{ptr: m}
	c.info = describe(m)
	return c, nil
}

func describe(m *C.mjModel) model {
	info := model{nq: int(m.nq), nv: int(m.nv), nu: int(m.nu), nbody: int(m.nbody), nsite: int(m.nsite),
		ngeom: int(m.ngeom), timestep: float64(m.opt.timestep)}
	info.qpos0 = make([]float64, info.nq)
	copy(info.qpos0, unsafe.Slice((*float64)(unsafe.Pointer(m.qpos0)), info.nq))
	cr := unsafe.Slice((*float64)(unsafe.Pointer(m.actuator_ctrlrange)), 2*info.nu)
	for i := range info.nu {
		info.ctrlLow = append(info.ctrlLow, cr[2*i])
		info.ctrlHigh = append(info.ctrlHigh, cr[2*i+1])
	}
	for i := range info.nbody {
		info.bodies = append(info.bodies, C.GoString(C.arena_body_name(m, C.int(i))))
	}
	types := unsafe.Slice((*int32)(unsafe.Pointer(m.geom_type)), info.ngeom)
	sizes := unsafe.Slice((*float64)(unsafe.Pointer(m.geom_size)), 3*info.ngeom)
	rgba := unsafe.Slice((*float32)(unsafe.Pointer(m.geom_rgba)), 4*info.ngeom)
	for i := range info.ngeom {
		g := geom{typ: int(types[i])}
		copy(g.size[:], sizes[3*i:])
		copy(g.rgba[:], rgba[4*i:])
		info.geoms = append(info.geoms, g)
	}
	return info
}

// cSim is one mjData.
type cSim struct {
	m *cModel
	d *C.mjData
}

func newSim(m *cModel) *cSim {
	m.acquire()
	s := &cSim{m: m, d: C.mj_makeData(m.ptr)}
	return s
}

func f64(s []float64) *C.double { return (*C.double)(unsafe.Pointer(unsafe.SliceData(s))) }

func (s *cSim) reset(qpos, qvel []float64, out *frame) {
	C.arena_reset(s.m.ptr, s.d, f64(qpos), f64(qvel), f64(out.buf))
}

func (s *cSim) step(ctrl []float64, frames int, out *frame) {
	C.arena_step1(s.m.ptr, s.d, f64(ctrl), C.int(frames), f64(out.buf))
}

func (s *cSim) geoms(xpos, xmat []float64) {
	C.arena_geoms(s.m.ptr, s.d, f64(xpos), f64(xmat))
}

func (s *cSim) close() {
	if s.d != nil {
		C.mj_deleteData(s.d)
		s.d = nil
		s.m.release()
	}
}

// models caches one compiled model per file: mjModel is read-only while
// simulating, so every environment of a process shares it.
var models sync.Map // file -> *cModel

func sharedModel(file string) (*cModel, error) {
	if c, ok := models.Load(file); ok {
		return c.(*cModel), nil
	}
	c, err := loadModel(file)
	if err != nil {
		return nil, err
	}
	c.refs = 1 // the cache's own reference keeps it alive
	actual, _ := models.LoadOrStore(file, c)
	if actual != c {
		C.mj_deleteModel(c.ptr)
	}
	return actual.(*cModel), nil
}

// New makes the environment id.
func New(id string) (*Env, error) {
	t, ok := tasks[id]
	if !ok {
		return nil, fmt.Errorf("mujoco: unknown environment %q (known: %v)", id, IDs())
	}
	c, err := sharedModel(t.file)
	if err != nil {
		return nil, err
	}
	s := newSim(c)
	e, err := newEnv(t, &c.info, s)
	if err != nil {
		s.close()
		return nil, err
	}
	runtime.SetFinalizer(e, func(e *Env) { e.Close() })
	return e, nil
}

// batch steps the simulations of a vector environment in one cgo call.
type batch struct {
	m     *cModel
	datas **C.mjData // C array of n pointers
	sims  []*cSim
}

func newBatch(sims []*cSim) *batch {
	b := &batch{m: sims[0].m, sims: sims}
	b.datas = (**C.mjData)(C.malloc(C.size_t(len(sims)) * C.size_t(unsafe.Sizeof(uintptr(0)))))
	ds := unsafe.Slice(b.datas, len(sims))
	for i, s := range sims {
		ds[i] = s.d
	}
	return b
}

// step steps every simulation with its row of ctrl, writing frames to out
// (n frames of frameSize values).
func (b *batch) step(ctrl []float64, frames int, out []float64, size int) {
	C.arena_step_many(b.m.ptr, b.datas, C.int(len(b.sims)), f64(ctrl), C.int(frames), f64(out), C.int(size))
}

func (b *batch) close() {
	if b.datas != nil {
		C.free(unsafe.Pointer(b.datas))
		b.datas = nil
	}
}

// raw runs plain mj_step steps times: the baseline the environments'
// speed is measured against.
func (s *cSim) raw(steps int) { C.arena_raw(s.m.ptr, s.d, C.int(steps)) }
