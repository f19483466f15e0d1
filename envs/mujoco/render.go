package mujoco

import (
	"image"
	"image/color"
	"math"
	"slices"
	"sort"

	"github.com/smgrnn/arena/framework"
)

// renderSize is the frame's side in pixels, Gymnasium's DEFAULT_SIZE.
const renderSize = 480

// view is how a task is drawn: an orthographic projection of the geoms,
// from the side (x right, z up) or from above (x right, y up).
type view struct {
	top bool
	// width is the span of the world shown across the frame, in metres.
	width float64
	// centre is the world point at the frame's centre (x, then z for a
	// side view or y for a top view); track follows the root body's x.
	centre [2]float64
	track  bool
}

var views = map[string]view{
	"InvertedPendulum-v5":       {width: 2.4, centre: [2]float64{0, 0.2}},
	"InvertedDoublePendulum-v5": {width: 2.8, centre: [2]float64{0, 0.5}},
	"Reacher-v5":                {top: true, width: 0.7},
	"Swimmer-v5":                {top: true, width: 3, track: true},
	"Hopper-v5":                 {width: 4, centre: [2]float64{0, 1}, track: true},
	"HalfCheetah-v5":            {width: 4, centre: [2]float64{0, 0.5}, track: true},
	"Walker2d-v5":               {width: 4, centre: [2]float64{0, 1}, track: true},
	"Ant-v5":                    {width: 4, centre: [2]float64{0, 0.5}, track: true},
}

// Render implements framework.Renderer: the geoms in their current pose,
// projected in software (no OpenGL) and painted far to near, 480×480.
func (e *Env) Render() (framework.Image, error) {
	n := e.m.ngeom
	xpos, xmat := make([]float64, 3*n), make([]float64, 9*n)
	e.sim.geoms(xpos, xmat)
	root := 0.0
	if e.m.nbody > 1 {
		root = e.after.xpos[3]
	}
	return drawGeoms(views[e.t.id], e.m.geoms, xpos, xmat, root), nil
}

// shape is one geom projected: its outline in pixels and its depth.
type shape struct {
	pts   []vec2
	depth float64
	col   color.RGBA
}

type vec2 struct{ x, y float64 }

// drawGeoms paints the geoms posed at xpos and xmat (row-major rotation
// matrices) as seen through v, the root body at x = rootX.
func drawGeoms(v view, geoms []geom, xpos, xmat []float64, rootX float64) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, renderSize, renderSize))
	sky, ground := color.RGBA{235, 240, 245, 255}, color.RGBA{190, 180, 160, 255}
	cx, cy := v.centre[0], v.centre[1]
	if v.track && isFinite(rootX) {
		cx += rootX
	}
	scale := renderSize / v.width
	project := func(p [3]float64) (vec2, float64) {
		a, b, depth := p[0], p[2], p[1] // side view: depth along y, far is +y
		if v.top {
			b, depth = p[1], -p[2]
		}
		return vec2{renderSize/2 + (a-cx)*scale, renderSize/2 - (b-cy)*scale}, depth
	}
	horizon := renderSize/2 + cy*scale // pixel row of z = 0
	for y := range renderSize {
		c := sky
		if !v.top && float64(y) >= horizon {
			c = ground
		}
		for x := range renderSize {
			img.SetRGBA(x, y, c)
		}
	}
	var shapes []shape
	for i, g := range geoms {
		if g.typ == geomPlane {
			continue
		}
		pos := [3]float64{xpos[3*i], xpos[3*i+1], xpos[3*i+2]}
		rot := xmat[9*i : 9*i+9]
		var pts []vec2
		var depth float64
		for _, p := range samples(g, pos, rot) {
			q, d := project(p)
			pts = append(pts, q)
			depth += d
		}
		if len(pts) == 0 || !allFinite2(pts) {
			continue
		}
		depth /= float64(len(pts))
		shapes = append(shapes, shape{pts: hull(pts), depth: depth, col: geomColour(g)})
	}
	sort.SliceStable(shapes, func(a, b int) bool { return shapes[a].depth > shapes[b].depth })
	for _, s := range shapes {
		fillConvex(img, s.pts, s.col)
	}
	return img
}

// geomColour is the geom's rgba, or an orange in place of MuJoCo's
// default grey so bodies stand out from the ground.
func geomColour(g geom) color.RGBA {
	r, gr, b := g.rgba[0], g.rgba[1], g.rgba[2]
	if r == 0.5 && gr == 0.5 && b == 0.5 {
		return color.RGBA{210, 120, 60, 255}
	}
	to := func(x float32) uint8 { return uint8(math.Round(float64(min(max(x, 0), 1)) * 255)) }
	return color.RGBA{to(r), to(gr), to(b), 255}
}

// samples returns points on the surface of a posed geom whose projection's
// convex hull is the geom's outline (exact for boxes, to 1/16 of a turn
// for round shapes).
func samples(g geom, pos [3]float64, rot []float64) [][3]float64 {
	local := func(x, y, z float64) [3]float64 {
		return [3]float64{
			pos[0] + rot[0]*x + rot[1]*y + rot[2]*z,
			pos[1] + rot[3]*x + rot[4]*y + rot[5]*z,
			pos[2] + rot[6]*x + rot[7]*y + rot[8]*z,
		}
	}
	const k = 16
	var out [][3]float64
	sphere := func(cz, rx, ry, rz float64) {
		for i := range k {
			for j := range k / 2 {
				th, ph := 2*math.Pi*float64(i)/k, math.Pi*(float64(j)+0.5)/(k/2)
				out = append(out, local(rx*math.Sin(ph)*math.Cos(th), ry*math.Sin(ph)*math.Sin(th), cz+rz*math.Cos(ph)))
			}
		}
	}
	s := g.size
	switch g.typ {
	case geomSphere:
		sphere(0, s[0], s[0], s[0])
	case geomCapsule:
		sphere(-s[1], s[0], s[0], s[0])
		sphere(s[1], s[0], s[0], s[0])
	case geomEllipsoid:
		sphere(0, s[0], s[1], s[2])
	case geomCylinder:
		for i := range k {
			th := 2 * math.Pi * float64(i) / k
			x, y := s[0]*math.Cos(th), s[0]*math.Sin(th)
			out = append(out, local(x, y, -s[1]), local(x, y, s[1]))
		}
	case geomBox:
		for _, sx := range []float64{-1, 1} {
			for _, sy := range []float64{-1, 1} {
				for _, sz := range []float64{-1, 1} {
					out = append(out, local(sx*s[0], sy*s[1], sz*s[2]))
				}
			}
		}
	}
	return out
}

func isFinite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

func allFinite2(ps []vec2) bool {
	for _, p := range ps {
		if !isFinite(p.x) || !isFinite(p.y) || math.Abs(p.x) > 1e6 || math.Abs(p.y) > 1e6 {
			return false
		}
	}
	return true
}

// hull is the convex hull of ps (Andrew's monotone chain),
// counter-clockwise in pixel coordinates.
func hull(ps []vec2) []vec2 {
	ps = slices.Clone(ps)
	sort.Slice(ps, func(i, j int) bool {
		if ps[i].x != ps[j].x {
			return ps[i].x < ps[j].x
		}
		return ps[i].y < ps[j].y
	})
	cross := func(o, a, b vec2) float64 { return (a.x-o.x)*(b.y-o.y) - (a.y-o.y)*(b.x-o.x) }
	var h []vec2
	for pass := range 2 {
		start := len(h)
		for i := range ps {
			p := ps[i]
			if pass == 1 {
				p = ps[len(ps)-1-i]
			}
			for len(h) >= start+2 && cross(h[len(h)-2], h[len(h)-1], p) <= 0 {
				h = h[:len(h)-1]
			}
			h = append(h, p)
		}
		h = h[:len(h)-1]
	}
	return h
}

// fillConvex fills a convex polygon, a pixel being inside when its centre
// is, and darkens its edge pixels for an outline.
func fillConvex(img *image.RGBA, pts []vec2, col color.RGBA) {
	if len(pts) < 3 {
		return
	}
	x0, y0, x1, y1 := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, p := range pts {
		x0, y0, x1, y1 = math.Min(x0, p.x), math.Min(y0, p.y), math.Max(x1, p.x), math.Max(y1, p.y)
	}
	b := img.Bounds()
	ix0, iy0 := max(int(math.Floor(x0)), b.Min.X), max(int(math.Floor(y0)), b.Min.Y)
	ix1, iy1 := min(int(math.Ceil(x1)), b.Max.X-1), min(int(math.Ceil(y1)), b.Max.Y-1)
	edge := color.RGBA{col.R / 2, col.G / 2, col.B / 2, 255}
	for y := iy0; y <= iy1; y++ {
		for x := ix0; x <= ix1; x++ {
			d := insideDistance(pts, vec2{float64(x) + 0.5, float64(y) + 0.5})
			switch {
			case d >= 1.5:
				img.SetRGBA(x, y, col)
			case d >= 0:
				img.SetRGBA(x, y, edge)
			}
		}
	}
}

// insideDistance is the distance from p to the nearest edge of a convex
// polygon when p is inside it, and negative when p is outside. The hull's
// orientation is found from its signed area.
func insideDistance(pts []vec2, p vec2) float64 {
	var area float64
	for i := range pts {
		a, b := pts[i], pts[(i+1)%len(pts)]
		area += a.x*b.y - b.x*a.y
	}
	sgn := 1.0
	if area < 0 {
		sgn = -1
	}
	d := math.Inf(1)
	for i := range pts {
		a, b := pts[i], pts[(i+1)%len(pts)]
		l := math.Hypot(b.x-a.x, b.y-a.y)
		if l == 0 {
			continue
		}
		s := sgn * ((b.x-a.x)*(p.y-a.y) - (b.y-a.y)*(p.x-a.x)) / l
		d = math.Min(d, s)
	}
	return d
}
