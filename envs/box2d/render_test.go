//go:build box2d && cgo

package box2d

import (
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"github.com/smgrnn/arena/framework"
)

// The scenes show what Gymnasium's show, where Gymnasium puts it: the
// lander in its colours above the pad's yellow flags on a black sky, and
// the walker's purple hull on the sky-blue background above the grass.
func TestRender(t *testing.T) {
	type probe struct {
		x, y int
		want color.RGBA
	}
	for _, c := range []struct {
		id     string
		probes []probe
	}{
		// Lander at (10, 13.33) m → pixel (300, 0..); its hull spans
		// about 30 px around x = 300 near the top. The pad's flags fly
		// at x = 240 and 360 (8 m and 12 m), 50 px above the pad.
		{"LunarLander-v3", []probe{{300, 400 - 400 + 5, rgb(128, 102, 230)}, {5, 5, black}, {250, 400 - 100 - 48, rgb(204, 204, 0)}}},
		{"BipedalWalker-v3", []probe{{5, 5, rgb(215, 215, 255)}, {5, 395, rgb(102, 153, 76)}}},
	} {
		e, err := New(c.id)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.Render(); err == nil {
			t.Errorf("%s: render before a reset did not fail", c.id)
		}
		act := make([]float64, e.Spec().ActionSpace.Dim())
		e.Reset(framework.Seed(0))
		img, err := e.Render()
		if err != nil {
			t.Fatal(err)
		}
		if b := img.Bounds(); b.Dx() != 600 || b.Dy() != 400 {
			t.Fatalf("%s: %v, want 600×400", c.id, b)
		}
		rgba := img.(interface{ RGBAAt(x, y int) color.RGBA })
		for _, p := range c.probes {
			if got := rgba.RGBAAt(p.x, p.y); got != p.want {
				t.Errorf("%s: pixel (%d, %d) is %v, want %v", c.id, p.x, p.y, got, p.want)
			}
		}
		if dir := os.Getenv("ARENA_RENDER_DIR"); dir != "" {
			for i := range 60 {
				e.Step(act)
				if i%30 == 29 {
					f, _ := os.Create(filepath.Join(dir, c.id+"-"+string(rune('a'+i/30))+".png"))
					im, _ := e.Render()
					png.Encode(f, im)
					f.Close()
				}
			}
		}
		e.Close()
	}
}
