package main

import (
	"errors"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/color/palette"
	"image/gif"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"

	_ "github.com/smgrnn/arena/envs" // registers the built-in environments
	"github.com/smgrnn/arena/framework"
	"github.com/smgrnn/arena/framework/match"
)

func init() {
	registerEnvSubcommand(&command{
		name:    "render",
		summary: "write an animated GIF of one episode",
		run:     runEnvRender,
	})
}

// defaultFPS is used for environments Gymnasium gives no rate for.
const defaultFPS = 30

// runEnvRender is "arena env render ID --seed S --policy P --out F.gif
// [--max-steps N] [--every K]".
func runEnvRender(args []string, stdout io.Writer) error {
	fs := newFlags("env render ENV", stdout)
	seed := fs.Uint64("seed", 0, "seed of the episode's reset and of the random policy")
	policy := fs.String("policy", "random", "policy that acts: random, teacher:NAME[:ARG] or student:PATH (a student file of a match's students/ folder)")
	out := fs.String("out", "", "GIF file to write (default renders/ENV-POLICY-sSEED.gif)")
	maxSteps := fs.Int("max-steps", 0, "stop after this many steps (0: the environment's time limit, or 1000 without one)")
	every := fs.Int("every", 1, "draw every K-th step (the first and last state are always drawn)")
	plugins := addPluginFlag(fs)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return badInput("want one environment ID: arena env render ID --seed S --policy random --out episode.gif")
	}
	if *out == "" && !explicitlySet(fs, "out") {
		// Renders gather in one folder of their own, not where the
		// command happens to run (often the repository's root).
		*out = filepath.Join("renders", fmt.Sprintf("%s-%s-s%d.gif", match.SafeName(pos[0]), match.SafeName(*policy), *seed))
		if err := os.MkdirAll("renders", 0o755); err != nil {
			return fmt.Errorf("cannot create renders/: %w", err)
		}
	}
	if *every < 1 {
		return badInput("--every must be at least 1, got %d", *every)
	}
	if *maxSteps < 0 {
		return badInput("--max-steps must not be negative, got %d", *maxSteps)
	}
	if *out == "" {
		return badInput("--out is empty")
	}
	if fi, err := os.Stat(*out); err == nil && fi.IsDir() {
		return badInput("--out %s is a directory", *out)
	}
	id := pos[0]
	src, err := openEnvSource(*plugins)
	if err != nil {
		return err
	}
	defer src.Close()
	if _, err := src.provider(id); err != nil {
		return err
	}
	env, err := src.MakeEnv(id)
	if err != nil {
		return fmt.Errorf("making %s: %w", id, err)
	}
	defer env.Close()
	r, ok := env.(framework.Renderer)
	if !ok {
		return badInput("environment %s cannot render (it has no Render method)", id)
	}
	spec := env.Spec()
	pol, err := policyFromSpec(*policy, spec, *seed)
	if err != nil {
		return asInput(err)
	}
	limit := *maxSteps
	if limit == 0 {
		limit = spec.MaxEpisodeSteps
	}
	if limit == 0 {
		limit = 1000
	}
	fps := spec.RenderFPS
	if fps == 0 {
		fps = defaultFPS
	}

	// Open the temporary file first, so an unwritable path fails before
	// the episode is played.
	tmp, err := os.CreateTemp(filepath.Dir(*out), "."+filepath.Base(*out)+".*.tmp")
	if err != nil {
		return fmt.Errorf("cannot write %s: %w", *out, err)
	}
	defer func() {
		if tmp != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()

	enc := newGIFEncoder(gifDelay(*every, fps))
	ep, err := playEpisode(env, r, pol, *seed, limit, *every, enc.add)
	if err != nil {
		return fmt.Errorf("%s, seed %d, policy %s: %w", id, *seed, *policy, err)
	}
	if err := gif.EncodeAll(tmp, enc.gif()); err != nil {
		return fmt.Errorf("encoding %s: %w", *out, err)
	}
	if err := tmp.Chmod(0o644); err != nil {
		return fmt.Errorf("writing %s: %w", *out, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", *out, err)
	}
	if err := os.Rename(tmp.Name(), *out); err != nil {
		return fmt.Errorf("writing %s: %w", *out, err)
	}
	tmp = nil
	end := "time limit of the command"
	switch {
	case ep.terminated:
		end = "terminated"
	case ep.truncated:
		end = "truncated"
	}
	fmt.Fprintf(stdout, "wrote %s: %s seed %d, %d steps (%s), return %.1f, %d frames of %d/100 s\n",
		*out, id, *seed, ep.steps, end, ep.ret, enc.frames, enc.delay)
	return nil
}

// explicitlySet reports whether the command line gave flag name.
func explicitlySet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

// gifDelay is the delay of one frame in GIF's hundredths of a second when
// every k-th step of an animation at fps steps per second is drawn.
func gifDelay(k, fps int) int {
	return max(1, int(math.Round(100*float64(k)/float64(fps))))
}

// episodeSummary describes a played episode.
type episodeSummary struct {
	steps                 int
	ret                   float64
	terminated, truncated bool
}

// playEpisode plays one episode from Reset(seed) for at most limit steps,
// passing the first state, every k-th state and the last one to frame.
func playEpisode(env framework.Env, r framework.Renderer, pol framework.Policy, seed uint64, limit, k int, frame func(image.Image) error) (episodeSummary, error) {
	var ep episodeSummary
	spec := env.Spec()
	obs, err := env.Reset(framework.Seed(seed))
	if err != nil {
		return ep, fmt.Errorf("reset: %w", err)
	}
	draw := func() error {
		img, err := r.Render()
		if err != nil {
			return fmt.Errorf("render after step %d: %w", ep.steps, err)
		}
		if img == nil {
			return fmt.Errorf("render after step %d returned no image", ep.steps)
		}
		return frame(img)
	}
	if err := draw(); err != nil {
		return ep, err
	}
	act := make([]float64, spec.ActionSpace.Dim())
	for ep.steps < limit {
		if err := pol.Act(obs, 1, act); err != nil {
			return ep, fmt.Errorf("policy at step %d: %w", ep.steps+1, err)
		}
		st, err := env.Step(act)
		if err != nil {
			return ep, fmt.Errorf("step %d: %w", ep.steps+1, err)
		}
		ep.steps++
		ep.ret += st.Reward
		obs = st.Obs
		ep.terminated, ep.truncated = st.Terminated, st.Truncated
		last := st.Done() || ep.steps == limit
		if ep.steps%k == 0 || last {
			if err := draw(); err != nil {
				return ep, err
			}
		}
		if last {
			break
		}
	}
	return ep, nil
}

// gifEncoder turns frames into an animated GIF that stays small in memory
// and on disk: each frame after the first keeps only the rectangle that
// changed (drawn over the previous one), and a frame identical to the last
// just lengthens its delay.
//
// The palette holds the first frame's colours exactly (Gymnasium's scenes
// use a handful) and is filled up with Plan 9's colours; a colour not in it
// maps to its nearest entry.
type gifEncoder struct {
	delay  int
	frames int
	g      gif.GIF
	pal    color.Palette
	index  map[color.RGBA]uint8
	prev   *image.Paletted
	cur    *image.Paletted
}

func newGIFEncoder(delay int) *gifEncoder {
	return &gifEncoder{delay: delay, index: map[color.RGBA]uint8{}}
}

// gif returns the animation of the frames added so far.
func (e *gifEncoder) gif() *gif.GIF {
	return &e.g
}

// buildPalette makes the palette from the first frame.
func (e *gifEncoder) buildPalette(img image.Image) {
	seen := map[color.RGBA]bool{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y && len(e.pal) <= 256; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			c := rgbaAt(img, x, y)
			if !seen[c] {
				seen[c] = true
				e.pal = append(e.pal, c)
				if len(e.pal) > 256 {
					break
				}
			}
		}
	}
	if len(e.pal) > 256 {
		// Too many colours to keep exactly: use a fixed palette.
		e.pal = slices.Clone(palette.Plan9)
		return
	}
	for _, c := range palette.Plan9 {
		if len(e.pal) == 256 {
			break
		}
		if rc := color.RGBAModel.Convert(c).(color.RGBA); !seen[rc] {
			seen[rc] = true
			e.pal = append(e.pal, rc)
		}
	}
}

func rgbaAt(img image.Image, x, y int) color.RGBA {
	if m, ok := img.(*image.RGBA); ok {
		return m.RGBAAt(x, y)
	}
	return color.RGBAModel.Convert(img.At(x, y)).(color.RGBA)
}

// lookup returns the palette index of c, remembering nearest matches.
func (e *gifEncoder) lookup(c color.RGBA) uint8 {
	if i, ok := e.index[c]; ok {
		return i
	}
	i := uint8(e.pal.Index(c))
	e.index[c] = i
	return i
}

// add appends one frame.
func (e *gifEncoder) add(img image.Image) error {
	b := img.Bounds()
	if e.pal == nil {
		if b.Empty() {
			return errors.New("empty frame")
		}
		e.buildPalette(img)
		e.g.Config = image.Config{ColorModel: e.pal, Width: b.Dx(), Height: b.Dy()}
		e.prev = image.NewPaletted(image.Rect(0, 0, b.Dx(), b.Dy()), e.pal)
		e.cur = image.NewPaletted(e.prev.Rect, e.pal)
	}
	if b.Dx() != e.g.Config.Width || b.Dy() != e.g.Config.Height {
		return fmt.Errorf("frame of %dx%d after frames of %dx%d", b.Dx(), b.Dy(), e.g.Config.Width, e.g.Config.Height)
	}
	// Map the frame's pixels, and find the rectangle that changed.
	w, h := b.Dx(), b.Dy()
	changed := image.Rectangle{}
	rgba, _ := img.(*image.RGBA)
	// Scenes are long runs of one colour: remembering the last lookup
	// skips most map accesses.
	lastC, lastI := color.RGBA{}, e.lookup(color.RGBA{})
	for y := range h {
		row := e.cur.Pix[y*e.cur.Stride : y*e.cur.Stride+w]
		var src []uint8
		if rgba != nil {
			src = rgba.Pix[rgba.PixOffset(b.Min.X, b.Min.Y+y):][:4*w]
		}
		for x := range w {
			var c color.RGBA
			if src != nil {
				c = color.RGBA{src[4*x], src[4*x+1], src[4*x+2], src[4*x+3]}
			} else {
				c = rgbaAt(img, b.Min.X+x, b.Min.Y+y)
			}
			if c != lastC {
				lastC, lastI = c, e.lookup(c)
			}
			row[x] = lastI
		}
		if e.frames > 0 && !slices.Equal(row, e.prev.Pix[y*e.prev.Stride:y*e.prev.Stride+w]) {
			x0, x1 := 0, w
			prow := e.prev.Pix[y*e.prev.Stride:]
			for x0 < w && row[x0] == prow[x0] {
				x0++
			}
			for x1 > x0 && row[x1-1] == prow[x1-1] {
				x1--
			}
			changed = changed.Union(image.Rect(x0, y, x1, y+1))
		}
	}
	if e.frames == 0 {
		changed = e.cur.Rect
	}
	e.frames++
	if changed.Empty() {
		e.g.Delay[len(e.g.Delay)-1] += e.delay
		return nil
	}
	frame := image.NewPaletted(changed, e.pal)
	for y := changed.Min.Y; y < changed.Max.Y; y++ {
		copy(frame.Pix[frame.PixOffset(changed.Min.X, y):], e.cur.Pix[e.cur.PixOffset(changed.Min.X, y):e.cur.PixOffset(changed.Max.X, y)])
	}
	e.g.Image = append(e.g.Image, frame)
	e.g.Delay = append(e.g.Delay, e.delay)
	e.g.Disposal = append(e.g.Disposal, gif.DisposalNone)
	e.prev, e.cur = e.cur, e.prev
	return nil
}
