package scene

import (
	"image"
	"image/color"
	"math"
)

// vec is a point in the frame Gymnasium's pygame code draws in: pixels,
// x to the right and y up from the bottom edge. Gymnasium draws in this
// frame and flips the surface vertically at the end; canvas does the flip
// as it writes each pixel, so the geometry below reads like the Python.
type vec struct{ x, y float64 }

// rotate returns v rotated by a radians counterclockwise (in the y-up
// frame), like pygame.math.Vector2.rotate_rad.
func (v vec) rotate(a float64) vec {
	s, c := math.Sincos(a)
	return vec{v.x*c - v.y*s, v.x*s + v.y*c}
}

func (v vec) add(w vec) vec { return vec{v.x + w.x, v.y + w.y} }

func (v vec) finite() bool {
	return !math.IsNaN(v.x) && !math.IsNaN(v.y) && !math.IsInf(v.x, 0) && !math.IsInf(v.y, 0)
}

// canvas is an RGBA image addressed in the y-up frame.
type canvas struct {
	img  *image.RGBA
	w, h int
}

// newCanvas returns a white canvas, as every Gymnasium scene starts with
// surf.fill((255, 255, 255)).
func newCanvas(w, h int) *canvas {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	// Doubling copies fill the buffer in a few memmoves rather than a byte
	// loop: the fill is most of a frame's cost.
	if len(img.Pix) > 0 {
		img.Pix[0] = 0xff
		for n := 1; n < len(img.Pix); n *= 2 {
			copy(img.Pix[n:], img.Pix[:n])
		}
	}
	return &canvas{img: img, w: w, h: h}
}

// span paints pixels [x0, x1) of image row r, clipped to the image.
func (c *canvas) span(r, x0, x1 int, col color.RGBA) {
	if r < 0 || r >= c.h {
		return
	}
	x0 = max(x0, 0)
	x1 = min(x1, c.w)
	if x0 >= x1 {
		return
	}
	p := c.img.Pix[r*c.img.Stride+4*x0 : r*c.img.Stride+4*x1]
	for i := 0; i < len(p); i += 4 {
		p[i], p[i+1], p[i+2], p[i+3] = col.R, col.G, col.B, col.A
	}
}

// set paints one pixel at integer y-up coordinates (x, y), the pixel that
// pygame's flip moves to image row h-1-y.
func (c *canvas) set(x, y int, col color.RGBA) {
	c.span(c.h-1-y, x, x+1, col)
}

// clampRow limits a row index to the image (plus one row of margin) so
// huge coordinates never make a long loop.
func (c *canvas) clampRow(r float64) int {
	return int(math.Max(-1, math.Min(float64(c.h), r)))
}

// fillPolygon fills a simple polygon given in the y-up frame, painting each
// pixel whose centre lies inside (even-odd rule). Shapes with a NaN or
// infinite vertex are skipped: a broken state draws nothing rather than
// looping or panicking.
func (c *canvas) fillPolygon(pts []vec, col color.RGBA) {
	if len(pts) < 3 {
		return
	}
	minY, maxY := math.Inf(1), math.Inf(-1)
	for _, p := range pts {
		if !p.finite() {
			return
		}
		minY, maxY = math.Min(minY, p.y), math.Max(maxY, p.y)
	}
	// Image rows whose centres (r+0.5 measured down, i.e. y = h-r-0.5 up)
	// fall inside [minY, maxY].
	r0 := c.clampRow(math.Ceil(float64(c.h) - maxY - 0.5))
	r1 := c.clampRow(math.Floor(float64(c.h) - minY - 0.5))
	var buf [16]float64
	for r := max(r0, 0); r <= min(r1, c.h-1); r++ {
		y := float64(c.h) - float64(r) - 0.5
		xs := buf[:0]
		for i := range pts {
			a, b := pts[i], pts[(i+1)%len(pts)]
			if (a.y <= y && y < b.y) || (b.y <= y && y < a.y) {
				xs = append(xs, a.x+(y-a.y)*(b.x-a.x)/(b.y-a.y))
			}
		}
		// Insertion sort: a handful of crossings, and no allocation.
		for i := 1; i < len(xs); i++ {
			for j := i; j > 0 && xs[j] < xs[j-1]; j-- {
				xs[j], xs[j-1] = xs[j-1], xs[j]
			}
		}
		for i := 0; i+1 < len(xs); i += 2 {
			lo := math.Max(-1, math.Ceil(xs[i]-0.5))
			hi := math.Min(float64(c.w)+1, math.Ceil(xs[i+1]-0.5))
			c.span(r, int(lo), int(hi), col)
		}
	}
}

// fillCircle fills the disc of integer radius rad around the integer y-up
// pixel (cx, cy), like pygame.gfxdraw.filled_circle, which Gymnasium calls
// with int() coordinates.
func (c *canvas) fillCircle(cx, cy, rad int, col color.RGBA) {
	if rad < 0 {
		return
	}
	// r² + r rounds the outline the way the midpoint circle does, so small
	// discs do not look like diamonds.
	lim := rad*rad + rad
	for dy := -rad; dy <= rad; dy++ {
		dx := int(math.Sqrt(float64(lim - dy*dy)))
		r := c.h - 1 - (cy + dy)
		c.span(r, cx-dx, cx+dx+1, col)
	}
}

// fillDisc fills the disc of radius rad around a real y-up point, painting
// pixels whose centres lie inside; used for round line caps.
func (c *canvas) fillDisc(p vec, rad float64, col color.RGBA) {
	if !p.finite() || rad <= 0 || math.IsInf(rad, 0) || math.IsNaN(rad) {
		return
	}
	cy := float64(c.h) - p.y // image frame, rows grow downwards
	r0 := c.clampRow(math.Ceil(cy - rad - 0.5))
	r1 := c.clampRow(math.Floor(cy + rad - 0.5))
	for r := max(r0, 0); r <= min(r1, c.h-1); r++ {
		dy := float64(r) + 0.5 - cy
		dx := math.Sqrt(math.Max(0, rad*rad-dy*dy))
		lo := math.Max(-1, math.Ceil(p.x-dx-0.5))
		hi := math.Min(float64(c.w)+1, math.Floor(p.x+dx-0.5)+1)
		c.span(r, int(lo), int(hi), col)
	}
}

// thickLine draws a segment of the given width with round caps.
func (c *canvas) thickLine(a, b vec, width float64, col color.RGBA) {
	d := vec{b.x - a.x, b.y - a.y}
	n := math.Hypot(d.x, d.y)
	if n > 0 {
		off := vec{-d.y / n * width / 2, d.x / n * width / 2}
		c.fillPolygon([]vec{
			{a.x + off.x, a.y + off.y}, {b.x + off.x, b.y + off.y},
			{b.x - off.x, b.y - off.y}, {a.x - off.x, a.y - off.y},
		}, col)
	}
	c.fillDisc(a, width/2, col)
	c.fillDisc(b, width/2, col)
}

// line draws a one-pixel line between two y-up points (Bresenham), like
// pygame.draw.line and draw.aalines without the smoothing.
func (c *canvas) line(a, b vec, col color.RGBA) {
	if !a.finite() || !b.finite() || math.Abs(a.x)+math.Abs(a.y)+math.Abs(b.x)+math.Abs(b.y) > far {
		return
	}
	x0, y0 := int(math.Round(a.x)), int(math.Round(a.y))
	x1, y1 := int(math.Round(b.x)), int(math.Round(b.y))
	dx, dy := abs(x1-x0), -abs(y1-y0)
	sx, sy := sign(x1-x0), sign(y1-y0)
	e := dx + dy
	for {
		c.set(x0, y0, col)
		if x0 == x1 && y0 == y1 {
			return
		}
		e2 := 2 * e
		if e2 >= dy {
			e += dy
			x0 += sx
		}
		if e2 <= dx {
			e += dx
			y0 += sy
		}
	}
}

// far is a distance in pixels beyond which a point is off any canvas.
const far = 1 << 20

// pixel truncates a coordinate toward zero like Python's int(), which
// Gymnasium applies before drawing circles, but keeps NaN and huge values
// far off the canvas so that no integer arithmetic overflows.
func pixel(v float64) int {
	switch {
	case math.IsNaN(v), v < -far:
		return -far
	case v > far:
		return far
	}
	return int(v)
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

func sign(x int) int {
	switch {
	case x < 0:
		return -1
	case x > 0:
		return 1
	}
	return 0
}
