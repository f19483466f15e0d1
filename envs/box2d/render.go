package box2d

import (
	"image"
	"image/color"
	"math"

	"github.com/smgrnn/arena/envs/scene"
)

// part is one fixture a scene draws: a body's polygon in its own frame,
// with Gymnasium's fill (color1) and outline (color2).
type part struct {
	body          int
	verts         []vec
	fill, outline color.RGBA
}

// addPart makes a polygon fixture and remembers it for rendering.
func addPart(w world, parts *[]part, body int, verts []vec, f fixtureDef, fill, outline color.RGBA) {
	w.polygon(body, verts, f)
	*parts = append(*parts, part{body, verts, fill, outline})
}

var (
	black = color.RGBA{0, 0, 0, 255}
	white = color.RGBA{255, 255, 255, 255}
)

func rgb(r, g, b uint8) color.RGBA { return color.RGBA{r, g, b, 255} }

// pixels places a world point in the scene, in pixels, shifted left by
// scroll pixels.
func pixels(p vec, scroll float64) [2]float64 { return [2]float64{p.x*scale - scroll, p.y * scale} }

// bodyShapes are the parts as the world holds them now.
func bodyShapes(w world, parts []part, scroll float64) []scene.Shape {
	out := make([]scene.Shape, 0, len(parts))
	for _, p := range parts {
		s := w.state(p.body)
		sin, cos := math.Sincos(s.angle)
		pts := make([][2]float64, len(p.verts))
		for i, v := range p.verts {
			pts[i] = pixels(vec{s.pos.x + v.x*cos - v.y*sin, s.pos.y + v.x*sin + v.y*cos}, scroll)
		}
		out = append(out, scene.Shape{Points: pts, Fill: p.fill, Outline: p.outline})
	}
	return out
}

// render draws the lander as Gymnasium does, without the exhaust
// particles: a black sky above the white moon, the lander and its legs,
// and the pad's two flags.
func (l *lander) render(w world) *image.RGBA {
	const H = float64(viewportH) / scale
	var shapes []scene.Shape
	for i := 0; i+1 < len(l.surface); i++ {
		p1, p2 := l.surface[i], l.surface[i+1]
		shapes = append(shapes, scene.Shape{Points: [][2]float64{pixels(p1, 0), pixels(p2, 0), pixels(vec{p2.x, H}, 0), pixels(vec{p1.x, H}, 0)}, Fill: black, Outline: black})
	}
	shapes = append(shapes, bodyShapes(w, l.parts, 0)...)
	for _, x := range []float64{l.helipadX1, l.helipadX2} {
		x *= scale
		y1 := l.helipadY * scale
		y2 := y1 + 50
		shapes = append(shapes,
			scene.Shape{Points: [][2]float64{{x, y1}, {x, y2}}, Outline: white},
			scene.Shape{Points: [][2]float64{{x, y2}, {x, y2 - 10}, {x + 25, y2 - 5}}, Fill: rgb(204, 204, 0), Outline: rgb(204, 204, 0)})
	}
	return scene.Shapes(viewportW, viewportH, white, shapes)
}

// render draws the walker as Gymnasium's rgb_array does: the 600-pixel
// window that follows the hull, with the sky, the clouds (at half the
// scroll), the grass, the walker and the start flag; the blinking lidar
// ray is left out.
func (wk *walker) render(w world) *image.RGBA {
	hull := w.state(wk.hull)
	scroll := hull.pos.x - float64(viewportW)/scale/5
	shift := math.Max(0, scroll) * scale // the window's left edge, in pixels
	var shapes []scene.Shape
	for _, poly := range wk.clouds {
		pts := make([][2]float64, len(poly))
		for i, p := range poly {
			pts[i] = [2]float64{p.x*scale + scroll*scale/2 - shift, p.y * scale}
		}
		shapes = append(shapes, scene.Shape{Points: pts, Fill: white, Outline: white})
	}
	grass := rgb(102, 153, 76)
	for i := 0; i+1 < len(wk.terrainX); i++ {
		a, b := vec{wk.terrainX[i], wk.terrainY[i]}, vec{wk.terrainX[i+1], wk.terrainY[i+1]}
		if b.x < scroll || a.x > scroll+float64(viewportW)/scale {
			continue
		}
		shapes = append(shapes, scene.Shape{Points: [][2]float64{pixels(a, shift), pixels(b, shift), pixels(vec{b.x, 0}, shift), pixels(vec{a.x, 0}, shift)}, Fill: grass, Outline: grass})
	}
	for i := 0; i+1 < len(wk.terrainX); i++ {
		g := uint8(255)
		if i%2 == 1 {
			g = 204
		}
		a, b := vec{wk.terrainX[i], wk.terrainY[i]}, vec{wk.terrainX[i+1], wk.terrainY[i+1]}
		shapes = append(shapes, scene.Shape{Points: [][2]float64{pixels(a, shift), pixels(b, shift)}, Outline: rgb(76, g, 76)})
	}
	shapes = append(shapes, bodyShapes(w, wk.parts, shift)...)
	y1 := terrainHeight * scale
	y2 := y1 + 50
	x := terrainStep*3*scale - shift
	shapes = append(shapes,
		scene.Shape{Points: [][2]float64{{x, y1}, {x, y2}}, Outline: black},
		scene.Shape{Points: [][2]float64{{x, y2}, {x, y2 - 10}, {x + 25, y2 - 5}}, Fill: rgb(230, 51, 0), Outline: black})
	return scene.Shapes(viewportW, viewportH, rgb(215, 215, 255), shapes)
}
