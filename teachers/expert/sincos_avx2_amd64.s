//go:build !amd64.v3

#include "textflag.h"

// Four copies of a float64 (by its bits), for 256-bit memory operands.
#define F64X4(name, bits) \
	DATA name<>+0(SB)/8, $bits; \
	DATA name<>+8(SB)/8, $bits; \
	DATA name<>+16(SB)/8, $bits; \
	DATA name<>+24(SB)/8, $bits; \
	GLOBL name<>(SB), RODATA|NOPTR, $32

F64X4(fourOverPi, 0x3ff45f306dc9c883)
F64X4(pi4a, 0x3fe921fb40000000)
F64X4(pi4b, 0x3e64442d00000000)
F64X4(pi4c, 0x3ce8469898cc5170)
F64X4(sin0, 0x3de5d8fd1fd19ccd)
F64X4(sin1, 0xbe5ae5e5a9291f5d)
F64X4(sin2, 0x3ec71de3567d48a1)
F64X4(sin3, 0xbf2a01a019bfdf03)
F64X4(sin4, 0x3f8111111110f7d0)
F64X4(sin5, 0xbfc5555555555548)
F64X4(cos0, 0xbda8fa49a0861a9b)
F64X4(cos1, 0x3e21ee9d7b4e3f05)
F64X4(cos2, 0xbe927e4f7eac4bc6)
F64X4(cos3, 0x3efa01a019c844f5)
F64X4(cos4, 0xbf56c16c16c14f91)
F64X4(cos5, 0x3fa555555555554b)
F64X4(half, 0x3fe0000000000000)
F64X4(one, 0x3ff0000000000000)
F64X4(signBit, 0x8000000000000000)
F64X4(octant2, 0x0000000000000002)
F64X4(octant4, 0x0000000000000004)
F64X4(reduceLimit, 0x41c0000000000000)

DATA one32<>+0(SB)/8, $0x0000000100000001
DATA one32<>+8(SB)/8, $0x0000000100000001
GLOBL one32<>(SB), RODATA|NOPTR, $16
DATA notOne32<>+0(SB)/8, $0xfffffffefffffffe
DATA notOne32<>+8(SB)/8, $0xfffffffefffffffe
GLOBL notOne32<>(SB), RODATA|NOPTR, $16

// Eight int32 ones and eight ^1, for the eight-lane kernel.
DATA one32x8<>+0(SB)/8, $0x0000000100000001
DATA one32x8<>+8(SB)/8, $0x0000000100000001
DATA one32x8<>+16(SB)/8, $0x0000000100000001
DATA one32x8<>+24(SB)/8, $0x0000000100000001
GLOBL one32x8<>(SB), RODATA|NOPTR, $32
DATA notOne32x8<>+0(SB)/8, $0xfffffffefffffffe
DATA notOne32x8<>+8(SB)/8, $0xfffffffefffffffe
DATA notOne32x8<>+16(SB)/8, $0xfffffffefffffffe
DATA notOne32x8<>+24(SB)/8, $0xfffffffefffffffe
GLOBL notOne32x8<>(SB), RODATA|NOPTR, $32

// func sincosAVX2(x, sin, cos *float64, n int) (redo int)
//
// The steps of math.Sincos (Cody-Waite reduction by π/4 in three parts,
// then the same two polynomials in the same order) four lanes at a time,
// every product and sum rounded separately as Go rounds them. n is a
// multiple of 4; lanes with |x| ≥ 2^29, NaN or ±Inf come out wrong and
// must be redone by the caller; redo is non-zero when there were any.
TEXT ·sincosAVX2(SB), NOSPLIT, $0-40
	MOVQ x+0(FP), SI
	MOVQ sin+8(FP), DI
	MOVQ cos+16(FP), DX
	MOVQ n+24(FP), CX
	VMOVUPD signBit<>(SB), Y14
	VXORPD  Y15, Y15, Y15

loop:
	CMPQ CX, $4
	JLT  done
	VMOVUPD (SI), Y0

	// sinSign := the sign bit of x; x = |x|. (math.Sincos tests x < 0
	// and returns ±0 itself; the sign bit does both at once.)
	VANDPD Y14, Y0, Y13
	VXORPD Y13, Y0, Y0
	VCMPPD $5, reduceLimit<>(SB), Y0, Y1 // not |x| < 2^29: redo
	VORPD  Y1, Y15, Y15

	// j := uint64(x * (4/π)); j += j&1; y := float64(j).
	VMULPD      fourOverPi<>(SB), Y0, Y1
	VCVTTPD2DQY Y1, X2
	VPADDD      one32<>(SB), X2, X2
	VPAND       notOne32<>(SB), X2, X2
	VCVTDQ2PD   X2, Y3
	VPMOVSXDQ   X2, Y4

	// z := ((x - y*PI4A) - y*PI4B) - y*PI4C; zz := z*z.
	VMULPD pi4a<>(SB), Y3, Y5
	VSUBPD Y5, Y0, Y5
	VMULPD pi4b<>(SB), Y3, Y6
	VSUBPD Y6, Y5, Y5
	VMULPD pi4c<>(SB), Y3, Y6
	VSUBPD Y6, Y5, Y5
	VMULPD Y5, Y5, Y6

	// Y8 = z + z*zz*((((((sin0*zz)+sin1)*zz+sin2)*zz+sin3)*zz+sin4)*zz+sin5)
	VMULPD sin0<>(SB), Y6, Y7
	VADDPD sin1<>(SB), Y7, Y7
	VMULPD Y6, Y7, Y7
	VADDPD sin2<>(SB), Y7, Y7
	VMULPD Y6, Y7, Y7
	VADDPD sin3<>(SB), Y7, Y7
	VMULPD Y6, Y7, Y7
	VADDPD sin4<>(SB), Y7, Y7
	VMULPD Y6, Y7, Y7
	VADDPD sin5<>(SB), Y7, Y7
	VMULPD Y6, Y5, Y8
	VMULPD Y7, Y8, Y8
	VADDPD Y8, Y5, Y8

	// Y9 = 1.0 - 0.5*zz + zz*zz*((((((cos0*zz)+cos1)*zz+cos2)*zz+cos3)*zz+cos4)*zz+cos5)
	VMULPD  cos0<>(SB), Y6, Y7
	VADDPD  cos1<>(SB), Y7, Y7
	VMULPD  Y6, Y7, Y7
	VADDPD  cos2<>(SB), Y7, Y7
	VMULPD  Y6, Y7, Y7
	VADDPD  cos3<>(SB), Y7, Y7
	VMULPD  Y6, Y7, Y7
	VADDPD  cos4<>(SB), Y7, Y7
	VMULPD  Y6, Y7, Y7
	VADDPD  cos5<>(SB), Y7, Y7
	VMULPD  Y6, Y6, Y9
	VMULPD  Y7, Y9, Y9
	VMULPD  half<>(SB), Y6, Y10
	VMOVUPD one<>(SB), Y11
	VSUBPD  Y10, Y11, Y10
	VADDPD  Y9, Y10, Y9

	// After j += j&1 the octant is 0, 2, 4 or 6: bit 1 swaps the two
	// polynomials, bit 2 reflects both signs, and bit 1 flips the cosine's.
	VPAND    octant2<>(SB), Y4, Y10
	VPCMPEQQ octant2<>(SB), Y10, Y10
	VPAND    octant4<>(SB), Y4, Y11
	VPCMPEQQ octant4<>(SB), Y11, Y11
	VBLENDVPD Y10, Y9, Y8, Y12
	VBLENDVPD Y10, Y8, Y9, Y1
	VXORPD   Y11, Y13, Y13
	VANDPD   Y14, Y13, Y13
	VXORPD   Y13, Y12, Y12
	VXORPD   Y11, Y10, Y10
	VANDPD   Y14, Y10, Y10
	VXORPD   Y10, Y1, Y1

	VMOVUPD Y12, (DI)
	VMOVUPD Y1, (DX)
	ADDQ    $32, SI
	ADDQ    $32, DI
	ADDQ    $32, DX
	SUBQ    $4, CX
	JMP     loop

done:
	VMOVMSKPD Y15, AX
	MOVQ      AX, redo+32(FP)
	VZEROUPPER
	RET

// func sincosAVX512(x, sin, cos *float64, n int) (redo int)
//
// sincosAVX2 eight lanes at a time (n a multiple of 8), with the same
// arithmetic on 512-bit registers; the octant's swaps and signs come from
// j's bits through a mask and shifts instead of blends.
TEXT ·sincosAVX512(SB), NOSPLIT, $0-40
	MOVQ x+0(FP), SI
	MOVQ sin+8(FP), DI
	MOVQ cos+16(FP), DX
	MOVQ n+24(FP), CX
	VBROADCASTSD signBit<>(SB), Z14
	VBROADCASTSD pi4a<>(SB), Z16
	VBROADCASTSD pi4b<>(SB), Z17
	VBROADCASTSD pi4c<>(SB), Z18
	VBROADCASTSD sin0<>(SB), Z19
	VBROADCASTSD sin1<>(SB), Z20
	VBROADCASTSD sin2<>(SB), Z21
	VBROADCASTSD sin3<>(SB), Z22
	VBROADCASTSD sin4<>(SB), Z23
	VBROADCASTSD sin5<>(SB), Z24
	VBROADCASTSD cos0<>(SB), Z25
	VBROADCASTSD cos1<>(SB), Z26
	VBROADCASTSD cos2<>(SB), Z27
	VBROADCASTSD cos3<>(SB), Z28
	VBROADCASTSD cos4<>(SB), Z29
	VBROADCASTSD cos5<>(SB), Z30
	VBROADCASTSD reduceLimit<>(SB), Z31
	VBROADCASTSD half<>(SB), Z11
	VBROADCASTSD one<>(SB), Z12
	VBROADCASTSD octant2<>(SB), Z15
	KXORW        K4, K4, K4
	VBROADCASTSD fourOverPi<>(SB), Z10

loop:
	CMPQ CX, $8
	JLT  done
	VMOVUPD (SI), Z0

	// sinSign := the sign bit of x; x = |x|; lanes to redo.
	VPANDQ  Z14, Z0, Z13
	VPXORQ  Z13, Z0, Z0
	VCMPPD  $5, Z31, Z0, K3
	KORW    K3, K4, K4

	// j := uint64(x * (4/π)); j += j&1; y := float64(j).
	VMULPD     Z10, Z0, Z1
	VCVTTPD2DQ Z1, Y2
	VPADDD     one32x8<>(SB), Y2, Y2
	VPAND      notOne32x8<>(SB), Y2, Y2
	VCVTDQ2PD  Y2, Z3
	VPMOVSXDQ  Y2, Z4

	// z := ((x - y*PI4A) - y*PI4B) - y*PI4C; zz := z*z.
	VMULPD Z16, Z3, Z5
	VSUBPD Z5, Z0, Z5
	VMULPD Z17, Z3, Z6
	VSUBPD Z6, Z5, Z5
	VMULPD Z18, Z3, Z6
	VSUBPD Z6, Z5, Z5
	VMULPD Z5, Z5, Z6

	// Z8 = the sine polynomial, Z9 the cosine's, as in sincosAVX2.
	VMULPD Z19, Z6, Z7
	VADDPD Z20, Z7, Z7
	VMULPD Z6, Z7, Z7
	VADDPD Z21, Z7, Z7
	VMULPD Z6, Z7, Z7
	VADDPD Z22, Z7, Z7
	VMULPD Z6, Z7, Z7
	VADDPD Z23, Z7, Z7
	VMULPD Z6, Z7, Z7
	VADDPD Z24, Z7, Z7
	VMULPD Z6, Z5, Z8
	VMULPD Z7, Z8, Z8
	VADDPD Z8, Z5, Z8

	VMULPD Z25, Z6, Z7
	VADDPD Z26, Z7, Z7
	VMULPD Z6, Z7, Z7
	VADDPD Z27, Z7, Z7
	VMULPD Z6, Z7, Z7
	VADDPD Z28, Z7, Z7
	VMULPD Z6, Z7, Z7
	VADDPD Z29, Z7, Z7
	VMULPD Z6, Z7, Z7
	VADDPD Z30, Z7, Z7
	VMULPD Z6, Z6, Z9
	VMULPD Z7, Z9, Z9
	VMULPD Z11, Z6, Z1
	VSUBPD Z1, Z12, Z1
	VADDPD Z9, Z1, Z9

	// Bit 1 of j swaps the polynomials; the sine's sign is x's flipped
	// by bit 2, the cosine's flipped by bit 1 xor bit 2.
	VPTESTMQ Z15, Z4, K1
	VMOVAPD  Z8, Z1
	VMOVAPD  Z9, K1, Z1
	VMOVAPD  Z9, Z2
	VMOVAPD  Z8, K1, Z2
	VPSLLQ   $61, Z4, Z5
	VPSLLQ   $62, Z4, Z6
	VPXORQ   Z5, Z13, Z13
	VPANDQ   Z14, Z13, Z13
	VPXORQ   Z13, Z1, Z1
	VPXORQ   Z5, Z6, Z6
	VPANDQ   Z14, Z6, Z6
	VPXORQ   Z6, Z2, Z2

	VMOVUPD Z1, (DI)
	VMOVUPD Z2, (DX)
	ADDQ    $64, SI
	ADDQ    $64, DI
	ADDQ    $64, DX
	SUBQ    $8, CX
	JMP     loop

done:
	KMOVW K4, AX
	MOVQ  AX, redo+32(FP)
	VZEROUPPER
	RET
