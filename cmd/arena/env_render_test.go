package main

import (
	"bytes"
	"image"
	"image/color"
	"image/draw"
	"image/gif"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/smgrnn/arena/envs/scene"
)

// readGIF decodes a GIF file and composites its frames, returning the
// animation and the full picture after each frame.
func readGIF(t *testing.T, path string) (*gif.GIF, []*image.RGBA) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	g, err := gif.DecodeAll(f)
	if err != nil {
		t.Fatalf("decoding %s: %v", path, err)
	}
	canvas := image.NewRGBA(image.Rect(0, 0, g.Config.Width, g.Config.Height))
	var pics []*image.RGBA
	for _, fr := range g.Image {
		draw.Draw(canvas, fr.Bounds(), fr, fr.Bounds().Min, draw.Over)
		pics = append(pics, image.NewRGBA(canvas.Rect))
		copy(pics[len(pics)-1].Pix, canvas.Pix)
	}
	return g, pics
}

func TestEnvRenderCartPole(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "episode.gif")
	code, stdout, stderr := runArena("env", "render", "CartPole-v1", "--seed", "3", "--policy", "random", "--out", out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.HasPrefix(stdout, "wrote "+out+": CartPole-v1 seed 3, ") {
		t.Errorf("stdout %q", stdout)
	}
	g, pics := readGIF(t, out)
	if g.Config.Width != 600 || g.Config.Height != 400 {
		t.Errorf("GIF is %dx%d, want 600x400", g.Config.Width, g.Config.Height)
	}
	if len(pics) < 2 {
		t.Fatalf("%d frames", len(pics))
	}
	for i, d := range g.Delay {
		if d%2 != 0 {
			t.Errorf("frame %d delay %d, want a multiple of 2 (50 fps)", i, d)
		}
	}
	// The reconstructed first and last frames are exactly the scene of
	// some state: they hold the cart, pole and axle colours.
	for _, pic := range []*image.RGBA{pics[0], pics[len(pics)-1]} {
		counts := map[color.RGBA]int{}
		for y := range 400 {
			for x := range 600 {
				counts[pic.RGBAAt(x, y)]++
			}
		}
		for _, c := range []color.RGBA{{0, 0, 0, 255}, {202, 152, 101, 255}, {129, 132, 203, 255}} {
			if counts[c] < 50 {
				t.Errorf("colour %v has %d pixels", c, counts[c])
			}
		}
	}
	// No temporary file is left beside the output.
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("folder holds %d entries, want only the GIF", len(entries))
	}

	// The same seed writes the same bytes; another seed does not.
	again := filepath.Join(dir, "again.gif")
	other := filepath.Join(dir, "other.gif")
	runArena("env", "render", "CartPole-v1", "--seed", "3", "--out", again)
	runArena("env", "render", "CartPole-v1", "--seed", "4", "--out", other)
	a, _ := os.ReadFile(out)
	b, _ := os.ReadFile(again)
	c, _ := os.ReadFile(other)
	if !bytes.Equal(a, b) {
		t.Error("same seed wrote different GIFs")
	}
	if bytes.Equal(a, c) {
		t.Error("seeds 3 and 4 wrote the same GIF")
	}
}

func TestEnvRenderEveryEnv(t *testing.T) {
	dir := t.TempDir()
	for _, id := range []string{"CartPole-v1", "Acrobot-v1", "MountainCar-v0", "MountainCarContinuous-v0", "Pendulum-v1"} {
		out := filepath.Join(dir, id+".gif")
		code, stdout, stderr := runArena("env", "render", id, "--max-steps", "12", "--every", "4", "--out", out)
		if code != 0 {
			t.Errorf("%s: exit %d: %s", id, code, stderr)
			continue
		}
		_, pics := readGIF(t, out)
		// States 0, 4, 8 and 12 (unless the episode ended first), but
		// unchanged pictures merge into one frame.
		if len(pics) == 0 || len(pics) > 4 {
			t.Errorf("%s: %d frames, want 1..4 (%s)", id, len(pics), stdout)
		}
	}
}

func TestEnvRenderErrors(t *testing.T) {
	dir := t.TempDir()
	existing := filepath.Join(dir, "keep.gif")
	if err := os.WriteFile(existing, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"unknown env", []string{"Nope-v0", "--out", existing}, 2, "known: "},
		{"unknown policy", []string{"CartPole-v1", "--policy", "greedy", "--out", existing}, 2, `unknown policy "greedy"`},
		{"unknown teacher", []string{"CartPole-v1", "--policy", "teacher:nobody", "--out", existing}, 2, `unknown teacher "nobody"`},
		{"no Render", []string{"TestPlainCartPole-v1", "--out", existing}, 2, "cannot render"},
		{"missing folder", []string{"CartPole-v1", "--out", filepath.Join(dir, "no", "such", "x.gif")}, 1, "cannot write"},
		{"folder as output", []string{"CartPole-v1", "--out", dir}, 2, "is a directory"},
		{"bad every", []string{"CartPole-v1", "--every", "0", "--out", existing}, 2, "--every"},
		{"negative max steps", []string{"CartPole-v1", "--max-steps", "-3", "--out", existing}, 2, "--max-steps"},
		{"no ID", []string{"--out", existing}, 2, "want one environment ID"},
	}
	for _, tt := range tests {
		code, _, stderr := runArena(append([]string{"env", "render"}, tt.args...)...)
		if code != tt.code || !strings.Contains(stderr, tt.want) || strings.Count(stderr, "\n") != 1 {
			t.Errorf("%s: exit %d, stderr %q; want exit %d and one line containing %q", tt.name, code, stderr, tt.code, tt.want)
		}
	}
	// Failures never touch an existing output or leave temporary files.
	if b, _ := os.ReadFile(existing); string(b) != "old" {
		t.Errorf("the existing output changed to %q", b)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("folder holds %d entries, want 1", len(entries))
	}
}

func TestGIFEncoder(t *testing.T) {
	enc := newGIFEncoder(3)
	frames := []image.Image{
		scene.CartPole(0, 0),
		scene.CartPole(0, 0),       // unchanged: merges into the previous delay
		scene.CartPole(0.1, 0),     // changes near the cart only
		scene.Pendulum(0, 1, true), // a different size
	}
	for i, f := range frames[:3] {
		if err := enc.add(f); err != nil {
			t.Fatalf("frame %d: %v", i, err)
		}
	}
	if err := enc.add(frames[3]); err == nil {
		t.Error("a frame of another size was accepted")
	}
	g := enc.gif()
	if len(g.Image) != 2 || g.Delay[0] != 6 || g.Delay[1] != 3 {
		t.Fatalf("%d images with delays %v, want 2 with [6 3]", len(g.Image), g.Delay)
	}
	if r := g.Image[0].Bounds(); r != image.Rect(0, 0, 600, 400) {
		t.Errorf("first frame bounds %v", r)
	}
	if r := g.Image[1].Bounds(); r.Dx() > 100 || r.Dy() > 150 || r.Empty() {
		t.Errorf("second frame bounds %v, want a small rectangle around the cart", r)
	}
	// The palette keeps the scene's colours exactly.
	for _, c := range []color.RGBA{{202, 152, 101, 255}, {129, 132, 203, 255}} {
		if got := g.Config.ColorModel.Convert(c); got != c {
			t.Errorf("palette turns %v into %v", c, got)
		}
	}
	var buf bytes.Buffer
	if err := gif.EncodeAll(&buf, g); err != nil {
		t.Fatal(err)
	}
}

func TestGIFEncoderManyColours(t *testing.T) {
	// A gradient of 512 colours falls back to a fixed palette.
	img := image.NewNRGBA(image.Rect(0, 0, 512, 2))
	for x := range 512 {
		img.Set(x, 0, color.NRGBA{uint8(x / 2), uint8(x % 256), 0, 255})
		img.Set(x, 1, color.NRGBA{0, 0, uint8(x / 2), 255})
	}
	enc := newGIFEncoder(5)
	if err := enc.add(img); err != nil {
		t.Fatal(err)
	}
	if n := len(enc.pal); n != 256 {
		t.Errorf("palette of %d colours, want 256", n)
	}
	var buf bytes.Buffer
	if err := gif.EncodeAll(&buf, enc.gif()); err != nil {
		t.Fatal(err)
	}
}

func TestGIFDelay(t *testing.T) {
	tests := []struct{ k, fps, want int }{
		{1, 50, 2}, {1, 15, 7}, {1, 30, 3}, {5, 50, 10}, {1, 1000, 1},
	}
	for _, tt := range tests {
		if got := gifDelay(tt.k, tt.fps); got != tt.want {
			t.Errorf("gifDelay(%d, %d) = %d, want %d", tt.k, tt.fps, got, tt.want)
		}
	}
}

func BenchmarkGIFEncoderCartPole(b *testing.B) {
	frames := make([]image.Image, 50)
	for i := range frames {
		frames[i] = scene.CartPole(float64(i)/50, float64(i)/100)
	}
	b.ReportAllocs()
	for b.Loop() {
		enc := newGIFEncoder(2)
		for _, f := range frames {
			if err := enc.add(f); err != nil {
				b.Fatal(err)
			}
		}
	}
}
