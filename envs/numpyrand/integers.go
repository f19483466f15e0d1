package numpyrand

import "math/bits"

// Integers is Generator.integers(low, high) for scalar int64 bounds, high
// exclusive: numpy's random_bounded_uint64_fill with Lemire's method
// (use_masked=False). Ranges that fit in 32 bits draw 32-bit outputs
// (buffered_bounded_lemire_uint32), wider ones 64-bit outputs
// (bounded_lemire_uint64). It panics if high <= low, where numpy raises
// "high <= 0".
func (g *Generator) Integers(low, high int64) int64 {
	if high <= low {
		panic("numpyrand: Integers needs low < high")
	}
	rng := uint64(high-1) - uint64(low) // inclusive range, as numpy's rng
	off := uint64(low)
	switch {
	case rng == 0:
		return low // numpy draws nothing
	case rng < 0xFFFFFFFF:
		return int64(off + uint64(g.boundedLemire32(uint32(rng))))
	case rng == 0xFFFFFFFF:
		return int64(off + uint64(g.bg.Next32()))
	case rng == ^uint64(0):
		return int64(off + g.bg.RandomRaw())
	default:
		return int64(off + g.boundedLemire64(rng))
	}
}

// boundedLemire32 is numpy's buffered_bounded_lemire_uint32: a uniform
// integer in [0, rng] from 32-bit draws, rejecting the few that would bias
// the result.
func (g *Generator) boundedLemire32(rng uint32) uint32 {
	excl := rng + 1
	m := uint64(g.bg.Next32()) * uint64(excl)
	leftover := uint32(m)
	if leftover < excl {
		threshold := (^uint32(0) - rng) % excl
		for leftover < threshold {
			m = uint64(g.bg.Next32()) * uint64(excl)
			leftover = uint32(m)
		}
	}
	return uint32(m >> 32)
}

// boundedLemire64 is numpy's bounded_lemire_uint64, for ranges wider than
// 32 bits.
func (g *Generator) boundedLemire64(rng uint64) uint64 {
	excl := rng + 1
	hi, lo := bits.Mul64(g.bg.RandomRaw(), excl)
	if lo < excl {
		threshold := (^uint64(0) - rng) % excl
		for lo < threshold {
			hi, lo = bits.Mul64(g.bg.RandomRaw(), excl)
		}
	}
	return hi
}
