package sparse

import (
	"cmp"
	"math"
	"math/rand/v2"
	"slices"
)

// erAlloc splits w connections over layers in Erdős–Rényi proportions
// (Mocanu et al., 2018): layer l gets ε·(in+out) connections, ε shared,
// so its density is ε·(in+out)/(in·out). A layer whose share would exceed
// its capacity caps[l] is filled and ε is recomputed for the rest (as in
// RigL's ERK). Shares are rounded by largest remainder, so they sum to
// min(w, Σ caps) exactly.
func erAlloc(w int, ins, outs, caps []int) []int {
	L := len(caps)
	k := make([]int, L)
	total := 0
	for _, c := range caps {
		total += c
	}
	if w >= total {
		copy(k, caps)
		return k
	}
	full := make([]bool, L)
	var eps float64
	for {
		rest, raw := float64(w), 0.0
		for l := range L {
			if full[l] {
				rest -= float64(caps[l])
			} else {
				raw += float64(ins[l] + outs[l])
			}
		}
		eps = rest / raw
		changed := false
		for l := range L {
			if !full[l] && eps*float64(ins[l]+outs[l]) > float64(caps[l]) {
				full[l], changed = true, true
			}
		}
		if !changed {
			break
		}
	}
	type rem struct {
		l int
		f float64
	}
	var rems []rem
	sum := 0
	for l := range L {
		if full[l] {
			k[l] = caps[l]
		} else {
			x := eps * float64(ins[l]+outs[l])
			k[l] = min(int(math.Floor(x)), caps[l])
			rems = append(rems, rem{l, x - float64(k[l])})
		}
		sum += k[l]
	}
	slices.SortStableFunc(rems, func(a, b rem) int { return cmp.Compare(b.f, a.f) })
	for sum < w {
		progressed := false
		for _, r := range rems {
			if sum < w && k[r.l] < caps[r.l] {
				k[r.l]++
				sum++
				progressed = true
			}
		}
		if !progressed {
			break
		}
	}
	return k
}

// dropSmallest removes the k kept connections of s with the smallest
// magnitude and returns how many it removed. Ties go to the connection
// later in s.conns first: connections grown by an update are appended in
// order of preference (RigL: descending gradient), so the least preferred
// of them goes first, and otherwise the order is fixed by pack.
func dropSmallest(s *layerState, k int) int {
	k = min(k, len(s.conns))
	if k <= 0 {
		return 0
	}
	idx := make([]int, len(s.conns))
	for i := range idx {
		idx[i] = i
	}
	slices.SortFunc(idx, func(a, b int) int {
		return cmp.Or(cmp.Compare(math.Abs(s.conns[a].w), math.Abs(s.conns[b].w)), cmp.Compare(b, a))
	})
	gone := make([]bool, len(s.conns))
	for _, i := range idx[:k] {
		gone[i] = true
	}
	kept := make([]conn, 0, len(s.conns)-k)
	for i, c := range s.conns {
		if !gone[i] {
			kept = append(kept, c)
		}
	}
	s.conns = kept
	return k
}

// free lists the positions (dst·in + src) of s that hold no connection.
func free(s *layerState) []int {
	taken := make([]bool, s.in*s.out)
	for _, c := range s.conns {
		taken[int(c.dst)*s.in+int(c.src)] = true
	}
	out := make([]int, 0, len(taken)-len(s.conns))
	for p, t := range taken {
		if !t {
			out = append(out, p)
		}
	}
	return out
}

// growRandom adds up to k connections of zero weight and fresh moments at
// positions drawn uniformly from the free ones, and returns how many.
func growRandom(s *layerState, k int, rng *rand.Rand) int {
	f := free(s)
	k = min(k, len(f))
	for i := range k { // partial Fisher–Yates
		j := i + rng.IntN(len(f)-i)
		f[i], f[j] = f[j], f[i]
		s.conns = append(s.conns, conn{src: int32(f[i] % s.in), dst: int32(f[i] / s.in)})
	}
	return k
}

// growByGradient adds up to k connections of zero weight and fresh moments
// at the free positions with the largest dense-gradient magnitude g (out
// rows of in values; ties: the lower position), and returns how many.
func growByGradient(s *layerState, k int, g []float64) int {
	f := free(s)
	k = min(k, len(f))
	slices.SortStableFunc(f, func(a, b int) int { return cmp.Compare(math.Abs(g[b]), math.Abs(g[a])) })
	for _, p := range f[:k] {
		s.conns = append(s.conns, conn{src: int32(p % s.in), dst: int32(p / s.in)})
	}
	return k
}

// countParams is Net.NumParams of unpacked layers.
func countParams(ls []layerState) int {
	p := ls[len(ls)-1].out
	for h, s := range ls {
		p += len(s.conns)
		if h == len(ls)-1 {
			break
		}
		used := make([]bool, s.out)
		for _, c := range ls[h+1].conns {
			used[c.src] = true
		}
		for _, u := range used {
			if u {
				p++
			}
		}
	}
	return p
}

// shape returns each layer's input and output widths and capacity.
func shape(ls []layerState) (ins, outs, caps []int) {
	for _, s := range ls {
		ins = append(ins, s.in)
		outs = append(outs, s.out)
		caps = append(caps, s.in*s.out)
	}
	return ins, outs, caps
}

func numConns(ls []layerState) int {
	n := 0
	for _, s := range ls {
		n += len(s.conns)
	}
	return n
}

// fit brings countParams(ls) to target by changing the number of kept
// connections: it recomputes the Erdős–Rényi shares of the connection
// count that would hit the target, drops each layer's smallest
// connections down to its share and, when grow is not nil, grows each
// layer up to it. Dropping or growing a hidden neuron's last or first
// outgoing connection also removes or adds its bias, so it repeats until
// the count is right or stops moving; the result is within a few
// parameters of target. It returns the connections dropped and grown.
func fit(ls []layerState, target int, grow func(l, k int) int) (dropped, grown int) {
	ins, outs, caps := shape(ls)
	for range 16 {
		d := target - countParams(ls)
		if d == 0 || (d > 0 && grow == nil) {
			return
		}
		share := erAlloc(max(numConns(ls)+d, 0), ins, outs, caps)
		moved := 0
		for l := range ls {
			if n := len(ls[l].conns); n > share[l] {
				k := dropSmallest(&ls[l], n-share[l])
				dropped += k
				moved += k
			} else if n < share[l] && grow != nil {
				k := grow(l, share[l]-n)
				grown += k
				moved += k
			}
		}
		if moved == 0 {
			return
		}
	}
	return
}

// pruneTo is fit for a network that can only lose connections (GMP): it
// finds, by bisection on the number of connections kept, the most that
// bring countParams to target or below, keeping each layer's
// largest-magnitude connections in Erdős–Rényi shares capped at what the
// layer has. Losing a hidden neuron's last outgoing connection removes
// its bias too, so the count lands on the target or a bias or two below.
// It returns the connections dropped.
func pruneTo(ls []layerState, target int) int {
	ins, outs, _ := shape(ls)
	have := make([]int, len(ls))
	for l := range ls {
		have[l] = len(ls[l].conns)
	}
	try := func(w int) []layerState {
		share := erAlloc(w, ins, outs, have)
		out := make([]layerState, len(ls))
		for l := range ls {
			out[l] = ls[l]
			out[l].conns = slices.Clone(ls[l].conns)
			dropSmallest(&out[l], have[l]-share[l])
		}
		return out
	}
	total := numConns(ls)
	if countParams(ls) <= target {
		return 0
	}
	lo, hi := 0, total // countParams(try(lo)) <= target is assumed; try(hi) is over
	for hi-lo > 1 {
		mid := (lo + hi) / 2
		if countParams(try(mid)) <= target {
			lo = mid
		} else {
			hi = mid
		}
	}
	best := try(lo)
	copy(ls, best)
	return total - lo
}
