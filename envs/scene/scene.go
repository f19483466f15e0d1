// Package scene draws the classic-control scenes Gymnasium 1.4 draws with
// pygame (CartPole, Acrobot, MountainCar, Pendulum): same canvas sizes,
// colours and geometry, painted with the standard library only. Shapes
// paints the polygon scenes of the Box2D environments from their bodies'
// outlines.
//
// Each function is pure: it takes the state the scene shows and returns a
// new image, so environments can render without holding any drawing state.
// Shapes are filled without anti-aliasing, which keeps every frame to a few
// exact colours (a GIF palette holds them losslessly).
package scene

import (
	"image"
	"image/color"
	"math"
)

var (
	black      = color.RGBA{0, 0, 0, 255}
	poleColor  = color.RGBA{202, 152, 101, 255}
	axleColor  = color.RGBA{129, 132, 203, 255}
	linkColor  = color.RGBA{0, 204, 204, 255}
	jointColor = color.RGBA{204, 204, 0, 255}
	wheelColor = color.RGBA{128, 128, 128, 255}
	flagColor  = color.RGBA{204, 204, 0, 255}
	rodColor   = color.RGBA{204, 77, 77, 255}
)

// rect returns the corners (l,b), (l,t), (r,t), (r,b) rotated by a and
// moved to at, the pattern every Gymnasium scene uses for its boxes.
func rect(l, r, t, b, a float64, at vec) []vec {
	pts := []vec{{l, b}, {l, t}, {r, t}, {r, b}}
	for i, p := range pts {
		pts[i] = p.rotate(a).add(at)
	}
	return pts
}

// CartPole draws CartPole-v1 (600×400) for cart position x (metres) and
// pole angle theta (radians, positive leaning right): the black cart, the
// pole, its axle and the track line, as CartPoleEnv.render does.
func CartPole(x, theta float64) *image.RGBA {
	const (
		width, height = 600, 400
		xThreshold    = 2.4
		length        = 0.5 // half the pole's length
		poleWidth     = 10.0
		cartWidth     = 50.0
		cartHeight    = 30.0
		cartY         = 100 // the track's height; the cart is centred on it
	)
	c := newCanvas(width, height)
	scale := width / (2 * xThreshold)
	poleLen := scale * (2 * length)
	axleOffset := cartHeight / 4.0
	cartX := x*scale + width/2.0

	c.fillPolygon(rect(-cartWidth/2, cartWidth/2, cartHeight/2, -cartHeight/2, 0, vec{cartX, cartY}), black)
	c.fillPolygon(rect(-poleWidth/2, poleWidth/2, poleLen-poleWidth/2, -poleWidth/2, -theta, vec{cartX, cartY + axleOffset}), poleColor)
	c.fillCircle(pixel(cartX), pixel(cartY+axleOffset), int(poleWidth/2), axleColor)
	for px := range width {
		c.set(px, cartY, black)
	}
	return c.img
}

// Acrobot draws Acrobot-v1 (500×500) for the joint angles theta1 (the first
// link from straight down) and theta2 (the second link relative to the
// first): the target line, both links and their joints, as
// AcrobotEnv.render does.
func Acrobot(theta1, theta2 float64) *image.RGBA {
	const (
		dim        = 500
		linkLength = 1.0
		bound      = 2*linkLength + 0.2
	)
	c := newCanvas(dim, dim)
	scale := dim / (bound * 2)
	offset := dim / 2.0

	// Gymnasium computes (row, column) pairs and swaps them; written out
	// in (x, y) the first joint hangs straight down at theta1 = 0.
	p1 := vec{linkLength * math.Sin(theta1) * scale, -linkLength * math.Cos(theta1) * scale}
	joints := []vec{{0, 0}, p1}
	angles := []float64{theta1 - math.Pi/2, theta1 + theta2 - math.Pi/2}

	c.line(vec{-2.2*scale + offset, scale + offset}, vec{2.2*scale + offset, scale + offset}, black)
	for i, j := range joints {
		at := j.add(vec{offset, offset})
		c.fillPolygon(rect(0, linkLength*scale, 0.1*scale, -0.1*scale, angles[i], at), linkColor)
		c.fillCircle(pixel(at.x), pixel(at.y), int(0.1*scale), jointColor)
	}
	return c.img
}

// MountainCar draws MountainCar-v0 and MountainCarContinuous-v0 (600×400)
// for the car's position pos and the flag at goalPos (0.5 and 0.45 in
// Gymnasium): the hill sin(3x)*0.45+0.55, the car tilted along the slope
// with its two wheels, and the flag, as MountainCarEnv.render does.
func MountainCar(pos, goalPos float64) *image.RGBA {
	const (
		width, height = 600, 400
		minPos        = -1.2
		maxPos        = 0.6
		carWidth      = 40.0
		carHeight     = 20.0
		clearance     = 10.0
		hillPoints    = 100
	)
	c := newCanvas(width, height)
	scale := width / (maxPos - minPos)
	hill := func(x float64) float64 { return math.Sin(3*x)*0.45 + 0.55 }

	prev := vec{0, hill(minPos) * scale}
	for i := 1; i < hillPoints; i++ {
		x := minPos + (maxPos-minPos)*float64(i)/(hillPoints-1) // np.linspace
		p := vec{(x - minPos) * scale, hill(x) * scale}
		c.line(prev, p, black)
		prev = p
	}

	tilt := math.Cos(3 * pos)
	at := vec{(pos - minPos) * scale, clearance + hill(pos)*scale}
	c.fillPolygon(rect(-carWidth/2, carWidth/2, carHeight, 0, tilt, at), black)
	for _, w := range []vec{{carWidth / 4, 0}, {-carWidth / 4, 0}} {
		p := w.rotate(tilt).add(at)
		c.fillCircle(pixel(p.x), pixel(p.y), int(carHeight/2.5), wheelColor)
	}

	flagX := pixel((goalPos - minPos) * scale)
	flagY1 := pixel(hill(goalPos) * scale)
	flagY2 := flagY1 + 50
	for y := flagY1; y <= flagY2; y++ {
		c.set(flagX, y, black)
	}
	fx, fy := float64(flagX), float64(flagY2)
	c.fillPolygon([]vec{{fx, fy}, {fx, fy - 10}, {fx + 25, fy - 5}}, flagColor)
	return c.img
}

// Pendulum draws Pendulum-v1 (500×500) for the angle theta (0 upright,
// positive counterclockwise): the rod with rounded ends and the axle and,
// when hasLastU, an arrow around the axle for the last torque lastU, sized
// by its magnitude and turning its way, as PendulumEnv.render does (which
// blits assets/clockwise.png; here the arrow is drawn as an arc).
func Pendulum(theta, lastU float64, hasLastU bool) *image.RGBA {
	const (
		dim   = 500
		bound = 2.2
	)
	c := newCanvas(dim, dim)
	scale := dim / (bound * 2)
	offset := dim / 2
	o := vec{float64(offset), float64(offset)}
	rodLength := 1 * scale
	rodWidth := 0.2 * scale
	a := theta + math.Pi/2

	c.fillPolygon(rect(0, rodLength, rodWidth/2, -rodWidth/2, a, o), rodColor)
	c.fillCircle(offset, offset, int(rodWidth/2), rodColor)
	end := vec{rodLength, 0}.rotate(a)
	c.fillCircle(pixel(end.x+o.x), pixel(end.y+o.y), int(rodWidth/2), rodColor)

	if hasLastU && !math.IsNaN(lastU) && lastU != 0 {
		// Gymnasium scales the arrow picture to a square of side
		// scale*|u|/2 and mirrors it for positive torque, which turns the
		// pendulum counterclockwise.
		side := scale * math.Min(math.Abs(lastU), 1e3) / 2
		torqueArrow(c, o, side, lastU > 0)
	}

	c.fillCircle(offset, offset, int(0.05*scale), black)
	return c.img
}

// torqueArrow draws a three-quarter circle arrow fitting a square of the
// given side around o, pointing counterclockwise when ccw.
func torqueArrow(c *canvas, o vec, side float64, ccw bool) {
	const (
		start = math.Pi / 2   // the arc starts at the top ...
		sweep = 1.5 * math.Pi // ... and turns three quarters round
		steps = 48            // segments of the arc
		head  = 0.35          // arrowhead length, in units of the radius
	)
	radius := side * 0.38
	width := math.Max(1.5, side*0.08)
	dir := -1.0 // clockwise, the picture Gymnasium ships
	if ccw {
		dir = 1
	}
	at := func(t float64) vec {
		a := start + dir*t
		return vec{o.x + radius*math.Cos(a), o.y + radius*math.Sin(a)}
	}
	bodyEnd := sweep - head // leave room for the head
	prev := at(0)
	for i := 1; i <= steps; i++ {
		p := at(bodyEnd * float64(i) / steps)
		c.thickLine(prev, p, width, black)
		prev = p
	}
	// The head: a triangle whose tip lies on the arc at the full sweep and
	// whose base straddles the arc at its body's end.
	tip := at(sweep)
	base := at(bodyEnd)
	n := vec{base.x - o.x, base.y - o.y}
	k := width * 1.6 / math.Hypot(n.x, n.y)
	c.fillPolygon([]vec{tip, {base.x + n.x*k, base.y + n.y*k}, {base.x - n.x*k, base.y - n.y*k}}, black)
}
