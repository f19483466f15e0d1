package scene

import (
	"bytes"
	"image"
	"image/color"
	"math"
	"testing"
)

// at returns the colour of the pixel whose centre is nearest to the y-up
// point (x, y) of a canvas of height h.
func at(img *image.RGBA, x, y float64) color.RGBA {
	h := img.Bounds().Dy()
	return img.RGBAAt(int(math.Floor(x)), int(math.Floor(float64(h)-y)))
}

// count counts the pixels of colour c inside r.
func count(img *image.RGBA, r image.Rectangle, c color.RGBA) int {
	n := 0
	r = r.Intersect(img.Bounds())
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if img.RGBAAt(x, y) == c {
				n++
			}
		}
	}
	return n
}

func TestSizes(t *testing.T) {
	tests := []struct {
		name string
		img  *image.RGBA
		w, h int
	}{
		{"CartPole", CartPole(0, 0), 600, 400},
		{"Acrobot", Acrobot(0, 0), 500, 500},
		{"MountainCar", MountainCar(-0.5, 0.5), 600, 400},
		{"Pendulum", Pendulum(0, 1, true), 500, 500},
	}
	for _, tt := range tests {
		if b := tt.img.Bounds(); b.Dx() != tt.w || b.Dy() != tt.h || b.Min != (image.Point{}) {
			t.Errorf("%s: bounds %v, want 0,0-%d,%d", tt.name, b, tt.w, tt.h)
		}
	}
}

func TestCartPoleCartFollowsX(t *testing.T) {
	for _, x := range []float64{-2.0, -0.7, 0, 0.3, 1.9} {
		img := CartPole(x, 0)
		cx := x*125 + 300 // scale 600/4.8
		// The cart body spans y 85..115 (up); its lower half is below the
		// pole, so it is black there.
		if c := at(img, cx, 90); c != black {
			t.Errorf("x=%v: colour at cart centre (%.0f, 90) is %v, want black", x, cx, c)
		}
		if c := at(img, cx+40, 90); c != (color.RGBA{255, 255, 255, 255}) {
			t.Errorf("x=%v: colour beside the cart is %v, want white", x, c)
		}
		if c := at(img, cx, 107.5); c != axleColor {
			t.Errorf("x=%v: axle colour %v, want %v", x, c, axleColor)
		}
	}
}

func TestCartPolePoleFollowsTheta(t *testing.T) {
	for _, theta := range []float64{-0.4, -0.1, 0, 0.1, 0.4} {
		img := CartPole(0, theta)
		// A point 80 px up the pole's axis from the axle at (300, 107.5).
		p := vec{0, 80}.rotate(-theta).add(vec{300, 107.5})
		if c := at(img, p.x, p.y); c != poleColor {
			t.Errorf("theta=%v: colour on the pole axis at %v is %v, want pole colour", theta, p, c)
		}
		// Leaning right (theta > 0) puts the pole's pixels right of the
		// axle, and the other way round.
		left := count(img, image.Rect(0, 0, 295, 280), poleColor)
		right := count(img, image.Rect(305, 0, 600, 280), poleColor)
		switch {
		case theta > 0 && right <= left, theta < 0 && left <= right:
			t.Errorf("theta=%v: pole pixels left %d, right %d", theta, left, right)
		case theta == 0 && left != right:
			t.Errorf("upright pole is not symmetric: left %d, right %d", left, right)
		}
	}
	if bytes.Equal(CartPole(0, 0.1).Pix, CartPole(0, 0.2).Pix) {
		t.Error("changing theta did not change the picture")
	}
}

func TestCartPoleTrack(t *testing.T) {
	img := CartPole(0, 0)
	for _, x := range []int{0, 150, 599} {
		if c := img.RGBAAt(x, 400-1-100); c != black {
			t.Errorf("track pixel at column %d is %v, want black", x, c)
		}
	}
}

func TestAcrobotLinks(t *testing.T) {
	scale := 500 / 4.4
	for _, tt := range []struct{ t1, t2 float64 }{{0, 0}, {0.7, 0.9}, {-2, 1}, {math.Pi, 0}} {
		img := Acrobot(tt.t1, tt.t2)
		o := vec{250, 250}
		if c := at(img, 250.5, 250.5); c != jointColor {
			t.Errorf("%v: first joint colour %v", tt, c)
		}
		// Middle of the first link, then of the second.
		mid1 := vec{0.6 * math.Sin(tt.t1) * scale, -0.6 * math.Cos(tt.t1) * scale}.add(o)
		if c := at(img, mid1.x, mid1.y); c != linkColor {
			t.Errorf("%v: first link colour at %v is %v", tt, mid1, c)
		}
		p1 := vec{math.Sin(tt.t1) * scale, -math.Cos(tt.t1) * scale}.add(o)
		mid2 := vec{0.6 * math.Sin(tt.t1+tt.t2) * scale, -0.6 * math.Cos(tt.t1+tt.t2) * scale}.add(p1)
		if c := at(img, mid2.x, mid2.y); c != linkColor {
			t.Errorf("%v: second link colour at %v is %v", tt, mid2, c)
		}
		// The target line, one link length above the pivot.
		if c := at(img, 20, math.Round(250+scale)+0.5); c != black {
			t.Errorf("%v: target line colour %v", tt, c)
		}
	}
}

func TestMountainCar(t *testing.T) {
	scale := 600 / 1.8
	hill := func(x float64) float64 { return math.Sin(3*x)*0.45 + 0.55 }
	for _, pos := range []float64{-1.1, -0.9, -0.5236, -0.2, 0.3, 0.5} {
		img := MountainCar(pos, 0.5)
		tilt := math.Cos(3 * pos)
		base := vec{(pos + 1.2) * scale, 10 + hill(pos)*scale}
		body := vec{0, 15}.rotate(tilt).add(base)
		if c := at(img, body.x, body.y); c != black {
			t.Errorf("pos=%v: car body at %v is %v, want black", pos, body, c)
		}
		for _, w := range []vec{{10, 0}, {-10, 0}} {
			p := w.rotate(tilt).add(base)
			if c := at(img, math.Trunc(p.x)+0.5, math.Trunc(p.y)+0.5); c != wheelColor {
				t.Errorf("pos=%v: wheel at %v is %v, want grey", pos, p, c)
			}
		}
	}
	img := MountainCar(-0.5, 0.5)
	fx := math.Trunc(1.7 * scale)
	fy2 := math.Trunc(hill(0.5)*scale) + 50
	if c := at(img, fx+5.5, fy2-4.5); c != flagColor {
		t.Errorf("flag colour %v, want %v", c, flagColor)
	}
	if c := at(img, fx+0.5, fy2-30); c != black {
		t.Errorf("flagpole colour %v, want black", c)
	}
	// The hill curve: a black pixel within two rows of it at several x.
	for _, px := range []float64{30, 150, 300, 450, 570} {
		y := hill(px/scale-1.2) * scale
		found := false
		for dy := -2.0; dy <= 2; dy++ {
			found = found || at(img, px+0.5, math.Round(y)+dy+0.5) == black
		}
		if !found {
			t.Errorf("no hill pixel near (%v, %.1f)", px, y)
		}
	}
}

func TestPendulum(t *testing.T) {
	scale := 500 / 4.4
	o := vec{250, 250}
	for _, theta := range []float64{0, 0.8, -2, math.Pi} {
		img := Pendulum(theta, 0, false)
		mid := vec{0, 0.6 * scale}.rotate(theta).add(o)
		if c := at(img, mid.x, mid.y); c != rodColor {
			t.Errorf("theta=%v: rod colour at %v is %v", theta, mid, c)
		}
		if c := at(img, 250.5, 250.5); c != black {
			t.Errorf("theta=%v: axle colour %v", theta, c)
		}
	}
	// The arrow grows with the torque and is absent without one.
	box := image.Rect(100, 100, 400, 400)
	none := count(Pendulum(math.Pi, 0, false), box, black)
	small := count(Pendulum(math.Pi, 0.5, true), box, black)
	big := count(Pendulum(math.Pi, 2, true), box, black)
	if !(none < small && small < big) {
		t.Errorf("black pixels without arrow %d, torque 0.5 %d, torque 2 %d: want increasing", none, small, big)
	}
	// Opposite torques draw mirrored arrows: compare with the picture
	// flipped about the axle (x = 250 in continuous coordinates).
	pos, neg := Pendulum(math.Pi, 2, true), Pendulum(math.Pi, -2, true)
	diff, total := 0, 0
	for y := 100; y < 400; y++ {
		for x := 100; x < 400; x++ {
			a, b := pos.RGBAAt(x, y) == black, neg.RGBAAt(499-x, y) == black
			if a {
				total++
			}
			if a != b {
				diff++
			}
		}
	}
	if total == 0 || float64(diff) > 0.05*float64(total) {
		t.Errorf("arrows for +2 and -2 differ in %d of %d pixels after mirroring", diff, total)
	}
	if bytes.Equal(pos.Pix, neg.Pix) {
		t.Error("the torque's sign does not change the arrow")
	}
}

// TestBadInputsDoNotPanic feeds non-finite and huge states: a scene may
// draw nothing for them but must return a full-size image.
func TestBadInputsDoNotPanic(t *testing.T) {
	for _, v := range []float64{math.NaN(), math.Inf(1), math.Inf(-1), 1e300, -1e18} {
		imgs := []*image.RGBA{
			CartPole(v, v), CartPole(0, v), CartPole(v, 0),
			Acrobot(v, v), Acrobot(0, v),
			MountainCar(v, v), MountainCar(v, 0.5), MountainCar(0, v),
			Pendulum(v, v, true), Pendulum(0, v, true),
		}
		for i, img := range imgs {
			if img == nil || img.Bounds().Empty() {
				t.Errorf("value %v, scene %d: empty image", v, i)
			}
		}
	}
}

func TestDeterministic(t *testing.T) {
	if !bytes.Equal(Acrobot(0.3, -1).Pix, Acrobot(0.3, -1).Pix) ||
		!bytes.Equal(Pendulum(1, 1, true).Pix, Pendulum(1, 1, true).Pix) {
		t.Error("same state drew different pictures")
	}
}

func BenchmarkCartPole(b *testing.B) {
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		CartPole(float64(i%100)/50-1, 0.1)
	}
}

func BenchmarkAcrobot(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		Acrobot(0.7, 0.9)
	}
}

func BenchmarkMountainCar(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		MountainCar(-0.5, 0.5)
	}
}

func BenchmarkPendulum(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		Pendulum(0.8, 1.5, true)
	}
}

// Shapes paints in order on its background, flipping y as Gymnasium's
// Box2D scenes do: a polygon near the bottom of the frame lands at the
// bottom of the image, and a later shape covers an earlier one.
func TestShapes(t *testing.T) {
	red, blue, sky := color.RGBA{255, 0, 0, 255}, color.RGBA{0, 0, 255, 255}, color.RGBA{215, 215, 255, 255}
	img := Shapes(100, 50, sky, []Shape{
		{Points: [][2]float64{{10, 0}, {40, 0}, {40, 20}, {10, 20}}, Fill: red},
		{Points: [][2]float64{{30, 0}, {60, 0}, {60, 20}, {30, 20}}, Fill: blue, Outline: red},
		{Points: [][2]float64{{80, 5}, {80, 45}}, Outline: blue},
	})
	for _, c := range []struct {
		x, y int
		want color.RGBA
	}{
		{20, 45, red}, {50, 45, blue}, {20, 5, sky}, {90, 45, sky}, {80, 25, blue}, {5, 25, sky},
	} {
		if got := img.RGBAAt(c.x, c.y); got != c.want {
			t.Errorf("pixel (%d, %d) is %v, want %v", c.x, c.y, got, c.want)
		}
	}
}
