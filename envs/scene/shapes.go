package scene

import (
	"image"
	"image/color"
)

// Shape is one filled polygon, outline or line of a scene drawn from
// shapes, in the y-up pixel frame Gymnasium's Box2D environments draw in.
type Shape struct {
	// Points are the corners in order; two points make a line.
	Points [][2]float64
	// Fill paints the inside of a polygon of three or more points; Outline
	// paints its edges (or the line). A colour whose alpha is 0 is not
	// painted.
	Fill, Outline color.RGBA
}

// Shapes draws a width×height scene: the background, then each shape in
// order, as Gymnasium's Box2D environments paint their pygame surface
// before flipping it.
func Shapes(width, height int, background color.RGBA, shapes []Shape) *image.RGBA {
	c := newCanvas(width, height)
	if background != (color.RGBA{255, 255, 255, 255}) {
		c.fillPolygon([]vec{{0, 0}, {float64(width), 0}, {float64(width), float64(height)}, {0, float64(height)}}, background)
	}
	pts := make([]vec, 0, 8)
	for _, s := range shapes {
		pts = pts[:0]
		for _, p := range s.Points {
			pts = append(pts, vec{p[0], p[1]})
		}
		if len(pts) >= 3 && s.Fill.A != 0 {
			c.fillPolygon(pts, s.Fill)
		}
		if s.Outline.A == 0 || len(pts) < 2 {
			continue
		}
		for i := 0; i+1 < len(pts); i++ {
			c.line(pts[i], pts[i+1], s.Outline)
		}
		if len(pts) >= 3 {
			c.line(pts[len(pts)-1], pts[0], s.Outline)
		}
	}
	return c.img
}
