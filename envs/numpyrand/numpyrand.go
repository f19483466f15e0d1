// Package numpyrand reproduces, bit for bit, the random stream Gymnasium
// draws from: numpy's SeedSequence → PCG64 → Generator chain, as built by
// numpy.random.Generator(numpy.random.PCG64(numpy.random.SeedSequence(s))).
//
// Only what Gymnasium's environments need is here: seeding from an
// integer (or from raw entropy words), PCG64's raw 64-bit output, and the
// Generator's random(), uniform(low, high) and standard_normal() draws. The algorithms follow
// numpy's numpy/random/bit_generator.pyx (SeedSequence, after Melissa
// O'Neill's seed_seq alternative) and numpy/random/src/pcg64/pcg64.h
// (PCG64's 128-bit LCG with the XSL-RR output function).
package numpyrand

import (
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"math"
	"math/bits"
)

// SeedSequence's hashing constants, numpy's bit_generator.pyx.
const (
	poolSize = 4
	initA    = 0x43b0d7e5
	multA    = 0x931e8875
	initB    = 0x8b51f9dd
	multB    = 0x58f38ded
	mixMultL = 0xca01f9dd
	mixMultR = 0x4973f715
	xshift   = 16 // 4 * 8 / 2: half the bits of a uint32
)

// SeedSequence is numpy.random.SeedSequence with the default pool of four
// 32-bit words and no spawn key: it hashes arbitrary entropy into a pool,
// from which GenerateState draws well-mixed seed words. It is a plain value
// so that seeding does not allocate.
type SeedSequence struct {
	pool [poolSize]uint32
}

// hashmix is numpy's hashmix: it hashes value with the running constant
// *h and advances *h.
func hashmix(value uint32, h *uint32) uint32 {
	value ^= *h
	*h *= multA
	value *= *h
	value ^= value >> xshift
	return value
}

// mix is numpy's mix: it combines two hashed words.
func mix(x, y uint32) uint32 {
	r := mixMultL*x - mixMultR*y
	r ^= r >> xshift
	return r
}

// NewSeedSequence hashes entropy words (least significant first, the way
// numpy splits a Python int into 32-bit words) into a SeedSequence,
// exactly as numpy's SeedSequence.mix_entropy does. With no words it
// behaves like numpy's entropy 0 padded to the pool.
func NewSeedSequence(entropy ...uint32) SeedSequence {
	var s SeedSequence
	h := uint32(initA)
	for i := range s.pool {
		var v uint32
		if i < len(entropy) {
			v = entropy[i]
		}
		s.pool[i] = hashmix(v, &h)
	}
	for src := range s.pool {
		for dst := range s.pool {
			if src != dst {
				s.pool[dst] = mix(s.pool[dst], hashmix(s.pool[src], &h))
			}
		}
	}
	for src := poolSize; src < len(entropy); src++ {
		for dst := range s.pool {
			s.pool[dst] = mix(s.pool[dst], hashmix(entropy[src], &h))
		}
	}
	return s
}

// SeedSequenceFromInt is numpy.random.SeedSequence(seed) for a
// non-negative integer seed: the seed is split into 32-bit words, least
// significant first, with zero giving the single word 0.
func SeedSequenceFromInt(seed uint64) SeedSequence {
	lo, hi := uint32(seed), uint32(seed>>32)
	if hi == 0 {
		return NewSeedSequence(lo)
	}
	return NewSeedSequence(lo, hi)
}

// Pool returns the hashed entropy pool (numpy's SeedSequence.pool).
func (s *SeedSequence) Pool() [poolSize]uint32 { return s.pool }

// GenerateState fills dst with 32-bit seed words, numpy's
// SeedSequence.generate_state(len(dst), np.uint32).
func (s *SeedSequence) GenerateState(dst []uint32) {
	h := uint32(initB)
	for i := range dst {
		v := s.pool[i%poolSize]
		v ^= h
		h *= multB
		v *= h
		v ^= v >> xshift
		dst[i] = v
	}
}

// GenerateState64 fills dst with 64-bit seed words, numpy's
// SeedSequence.generate_state(len(dst), np.uint64): twice as many 32-bit
// words, paired little-endian (the first of each pair is the low half).
func (s *SeedSequence) GenerateState64(dst []uint64) {
	h := uint32(initB)
	word := func(i int) uint32 {
		v := s.pool[i%poolSize]
		v ^= h
		h *= multB
		v *= h
		v ^= v >> xshift
		return v
	}
	for i := range dst {
		lo := word(2 * i)
		hi := word(2*i + 1)
		dst[i] = uint64(hi)<<32 | uint64(lo)
	}
}

// PCG64's 128-bit LCG multiplier, PCG_DEFAULT_MULTIPLIER_128.
const (
	multHi = 2549297995355413924
	multLo = 4865540595714422341
)

// PCG64 is numpy.random.PCG64: a 128-bit linear congruential generator
// whose output is the XSL-RR permutation of its state.
type PCG64 struct {
	stateHi, stateLo uint64
	incHi, incLo     uint64
	// hasUint32 and uinteger buffer the upper half of a raw output that
	// Next32 drew but did not use, as numpy's pcg64_state does.
	hasUint32 bool
	uinteger  uint32
}

// NewPCG64 seeds a PCG64 from a SeedSequence the way numpy's
// PCG64(seed_seq) does: four 64-bit words from GenerateState64, the first
// two the initial state, the last two the stream (increment).
func NewPCG64(ss *SeedSequence) PCG64 {
	var words [4]uint64
	ss.GenerateState64(words[:])
	var p PCG64
	p.SetSeed(words[0], words[1], words[2], words[3])
	return p
}

// SetSeed is numpy's pcg64_set_seed: the 128-bit initial state is
// stateHi:stateLo and the stream is incHi:incLo (numpy passes the seed
// words in that high-then-low order). As in pcg_setseq_128_srandom_r, the
// increment is (stream << 1) | 1 and the state is stepped, offset by the
// initial state and stepped again.
func (p *PCG64) SetSeed(stateHi, stateLo, incHi, incLo uint64) {
	p.hasUint32, p.uinteger = false, 0
	p.incHi = incHi<<1 | incLo>>63
	p.incLo = incLo<<1 | 1
	p.stateHi, p.stateLo = 0, 0
	p.step()
	var carry uint64
	p.stateLo, carry = bits.Add64(p.stateLo, stateLo, 0)
	p.stateHi, _ = bits.Add64(p.stateHi, stateHi, carry)
	p.step()
}

// step advances the LCG: state = state*mult + inc (mod 2^128).
func (p *PCG64) step() {
	hi, lo := bits.Mul64(p.stateLo, multLo)
	hi += p.stateHi*multLo + p.stateLo*multHi
	var carry uint64
	lo, carry = bits.Add64(lo, p.incLo, 0)
	hi, _ = bits.Add64(hi, p.incHi, carry)
	p.stateHi, p.stateLo = hi, lo
}

// RandomRaw returns the next 64-bit output (numpy's PCG64.random_raw):
// step, then XOR the state's halves and rotate right by its top six bits.
func (p *PCG64) RandomRaw() uint64 {
	p.step()
	return bits.RotateLeft64(p.stateHi^p.stateLo, -int(p.stateHi>>58))
}

// Next32 returns the next 32-bit output as numpy's pcg64_next32 does: the
// low half of a raw output, keeping the high half for the next call. Raw
// and double draws do not touch that buffer.
func (p *PCG64) Next32() uint32 {
	if p.hasUint32 {
		p.hasUint32 = false
		return p.uinteger
	}
	next := p.RandomRaw()
	p.hasUint32, p.uinteger = true, uint32(next>>32)
	return uint32(next)
}

// Random returns a double in [0, 1) as numpy's next_double does: the top
// 53 bits of one raw output, scaled by 2^-53.
func (p *PCG64) Random() float64 {
	return float64(p.RandomRaw()>>11) * (1.0 / 9007199254740992.0)
}

// State returns the 128-bit state and increment, high words first, for
// tests and debugging.
func (p *PCG64) State() (stateHi, stateLo, incHi, incLo uint64) {
	return p.stateHi, p.stateLo, p.incHi, p.incLo
}

// Generator is numpy.random.Generator over a PCG64. Its zero value is not
// seeded; use New, NewFromSeedSequence, NewFromEntropy or Seed.
type Generator struct {
	bg PCG64
}

// New returns Generator(PCG64(SeedSequence(seed))), what Gymnasium's
// seeding.np_random(seed) builds.
func New(seed uint64) *Generator {
	g := &Generator{}
	g.Seed(seed)
	return g
}

// NewFromSeedSequence returns Generator(PCG64(ss)).
func NewFromSeedSequence(ss *SeedSequence) *Generator {
	return &Generator{bg: NewPCG64(ss)}
}

// NewFromEntropy returns a Generator seeded from 128 bits of operating
// system entropy, as numpy's SeedSequence() with no argument does.
func NewFromEntropy() (*Generator, error) {
	var buf [16]byte
	if _, err := rand.Read(buf[:]); err != nil {
		return nil, fmt.Errorf("numpyrand: reading entropy: %w", err)
	}
	var words [4]uint32
	for i := range words {
		words[i] = binary.LittleEndian.Uint32(buf[4*i:])
	}
	ss := NewSeedSequence(words[:]...)
	return NewFromSeedSequence(&ss), nil
}

// Reseed applies Gymnasium's reset(seed=...) rule to an environment's
// stream g: a seed reseeds it; the first reset without one seeds it from
// operating-system entropy; a later reset without one continues it.
// seeded records whether g has been seeded.
func Reseed(g *Generator, seeded *bool, seed *uint64) error {
	switch {
	case seed != nil:
		g.Seed(*seed)
	case !*seeded:
		e, err := NewFromEntropy()
		if err != nil {
			return err
		}
		*g = *e
	}
	*seeded = true
	return nil
}

// Seed reseeds g in place as New(seed) would, without allocating.
func (g *Generator) Seed(seed uint64) {
	ss := SeedSequenceFromInt(seed)
	g.bg = NewPCG64(&ss)
}

// RandomRaw returns the bit generator's next raw 64-bit output.
func (g *Generator) RandomRaw() uint64 { return g.bg.RandomRaw() }

// Random is Generator.random(): a double in [0, 1).
func (g *Generator) Random() float64 { return g.bg.Random() }

// Uniform is Generator.uniform(low, high) for scalar bounds: numpy's
// random_uniform computes low + (high - low) * next_double, and so does
// this, operation for operation.
func (g *Generator) Uniform(low, high float64) float64 {
	rng := high - low
	// The explicit conversion keeps the compiler from fusing the multiply
	// and add (as it may on arm64), which would round differently.
	return low + float64(rng*g.bg.Random())
}

// StandardNormal is Generator.standard_normal(): numpy's 256-layer
// ziggurat (random_standard_normal in numpy's distributions.c), drawing
// one raw output per try: its low 8 bits pick the layer, the next bit the
// sign and the 52 above it the magnitude. Rejected tries draw doubles for
// the wedge test or, in the base layer, for the tail (Marsaglia's method).
func (g *Generator) StandardNormal() float64 {
	zig := zigguratTables()
	for {
		r := g.bg.RandomRaw()
		idx := r & 0xff
		r >>= 8
		sign := r & 1
		rabs := (r >> 1) & 0x000fffffffffffff
		x := float64(rabs) * zig.w[idx]
		if sign&1 != 0 {
			x = -x
		}
		if rabs < zig.k[idx] {
			return x
		}
		if idx == 0 {
			for {
				// 1 - U avoids log(0), as numpy does.
				xx := -zigguratInvR * math.Log1p(-g.bg.Random())
				yy := -math.Log1p(-g.bg.Random())
				if yy+yy > xx*xx {
					if (rabs>>8)&1 != 0 {
						return -(zigguratR + xx)
					}
					return zigguratR + xx
				}
			}
		}
		if (zig.f[idx-1]-zig.f[idx])*g.bg.Random()+zig.f[idx] < math.Exp(-0.5*x*x) {
			return x
		}
	}
}
