//go:build !amd64.v3

#include "textflag.h"

// Four copies of a float64 (by its bits), for 256-bit memory operands.
#define F64X4(name, bits) \
	DATA name<>+0(SB)/8, $bits; \
	DATA name<>+8(SB)/8, $bits; \
	DATA name<>+16(SB)/8, $bits; \
	DATA name<>+24(SB)/8, $bits; \
	GLOBL name<>(SB), RODATA|NOPTR, $32

F64X4(signBit, 0x8000000000000000)
F64X4(absMask, 0x7fffffffffffffff)
F64X4(halfMaxLog, 0x404601e678fc457b)
F64X4(fiveEighths, 0x3fe4000000000000)
F64X4(log2e, 0x3ff71547652b82fe)
F64X4(ln2u, 0x3fe62e42fefa3000)
F64X4(ln2l, 0x3d53de6af278ece6)
F64X4(sixteenth, 0x3fb0000000000000)
F64X4(exp8, 0x3efa01a01a01a01a)
F64X4(exp7, 0x3f2a01a01a01a01a)
F64X4(exp6, 0x3f56c16c16c16c17)
F64X4(exp5, 0x3f81111111111111)
F64X4(exp4, 0x3fa5555555555555)
F64X4(exp3, 0x3fc5555555555555)
F64X4(half, 0x3fe0000000000000)
F64X4(one, 0x3ff0000000000000)
F64X4(two, 0x4000000000000000)
F64X4(p0, 0xbfeedc5baafd6f4b)
F64X4(p1, 0xc058d26a0e26682d)
F64X4(p2, 0xc0993ac030580563)
F64X4(q0, 0x405c33f28a581b86)
F64X4(q1, 0x40a176fa0e5535fa)
F64X4(q2, 0x40b2ec102442040c)

F64X4(bias64, 0x00000000000003ff)

DATA bias32<>+0(SB)/8, $0x000003ff000003ff
DATA bias32<>+8(SB)/8, $0x000003ff000003ff
GLOBL bias32<>(SB), RODATA|NOPTR, $16

// func tanhAVX2FMA(x, y *float64, n int) (nans int)
//
// y[i] = math.Tanh(x[i]) for n (a multiple of 4) values, four at a time,
// as math.Tanh computes it on a CPU with FMA: every lane takes all three of
// tanh's branches and keeps the one its |x| selects. For |x| ≥ 0.625 it is
// 1 − 2/(e^{2|x|}+1) with e^{2|x|} computed by the steps of math's
// assembly Exp on its FMA path (same instructions, same order, per lane);
// below, the rational approximation with separate roundings, as Go
// compiles it for GOAMD64 v1 and v2. The two branches share one division:
// each lane divides its own branch's numerator by its denominator, and a
// correctly rounded quotient does not depend on its neighbours. NaN lanes
// are left to the caller; nans is non-zero when there were any.
TEXT ·tanhAVX2FMA(SB), NOSPLIT, $0-32
	MOVQ x+0(FP), SI
	MOVQ y+8(FP), DI
	MOVQ n+16(FP), CX
	VMOVUPD signBit<>(SB), Y14
	VMOVUPD two<>(SB), Y8
	VMOVUPD one<>(SB), Y9
	VXORPD  Y15, Y15, Y15

loop:
	CMPQ CX, $4
	JLT  done
	VMOVUPD (SI), Y0
	VCMPPD  $3, Y0, Y0, Y3 // NaN lanes
	VORPD   Y3, Y15, Y15
	VANDPD  absMask<>(SB), Y0, Y1 // z = |x|

	// s = Exp(2z): the exponent k = round(2z·log2e), the reduced argument
	// r = ((2z − k·ln2u) − k·ln2l)/16 (fused), Horner in r (fused), then
	// four squarings of (1+·) by y ← y·(y+2), and the scale 2^k.
	VADDPD      Y1, Y1, Y2
	VMULPD      log2e<>(SB), Y2, Y3
	VCVTPD2DQY  Y3, X4
	VCVTDQ2PD   X4, Y3
	VFNMADD231PD ln2u<>(SB), Y3, Y2
	VFNMADD231PD ln2l<>(SB), Y3, Y2
	VMULPD      sixteenth<>(SB), Y2, Y2
	VMOVUPD     exp8<>(SB), Y5
	VFMADD213PD exp7<>(SB), Y2, Y5
	VFMADD213PD exp6<>(SB), Y2, Y5
	VFMADD213PD exp5<>(SB), Y2, Y5
	VFMADD213PD exp4<>(SB), Y2, Y5
	VFMADD213PD exp3<>(SB), Y2, Y5
	VFMADD213PD half<>(SB), Y2, Y5
	VFMADD213PD one<>(SB), Y2, Y5
	VMULPD      Y5, Y2, Y2
	VADDPD      Y8, Y2, Y5
	VMULPD      Y5, Y2, Y2
	VADDPD      Y8, Y2, Y5
	VMULPD      Y5, Y2, Y2
	VADDPD      Y8, Y2, Y5
	VMULPD      Y5, Y2, Y2
	VADDPD      Y8, Y2, Y5
	VFMADD213PD one<>(SB), Y5, Y2
	VPADDD      bias32<>(SB), X4, X4
	VPMOVSXDQ   X4, Y6
	VPSLLQ      $52, Y6, Y6
	VMULPD      Y6, Y2, Y2

	// |x| ≥ 0.625 divides 2 by s+1; below, x·s·((p0·s+p1)·s+p2) by
	// ((s+q0)·s+q1)·s+q2 with s = x².
	VADDPD Y9, Y2, Y6
	VMULPD Y0, Y0, Y10
	VMULPD p0<>(SB), Y10, Y11
	VADDPD p1<>(SB), Y11, Y11
	VMULPD Y10, Y11, Y11
	VADDPD p2<>(SB), Y11, Y11
	VADDPD q0<>(SB), Y10, Y12
	VMULPD Y10, Y12, Y12
	VADDPD q1<>(SB), Y12, Y12
	VMULPD Y10, Y12, Y12
	VADDPD q2<>(SB), Y12, Y12
	VMULPD Y10, Y0, Y13
	VMULPD Y11, Y13, Y13
	VCMPPD    $13, fiveEighths<>(SB), Y1, Y3
	VBLENDVPD Y3, Y8, Y13, Y13
	VBLENDVPD Y3, Y6, Y12, Y12
	VDIVPD    Y12, Y13, Y13

	// Y7 = ±(1 − q), the sign of x; Y13 = x + q.
	VSUBPD Y13, Y9, Y7
	VANDPD Y14, Y0, Y6
	VXORPD Y6, Y7, Y7
	VADDPD Y13, Y0, Y13

	// ±0 stays itself; |x| ≥ 0.625 takes Y7; |x| > MAXLOG/2 takes ±1.
	VBLENDVPD Y3, Y7, Y13, Y13
	VXORPD    Y5, Y5, Y5
	VCMPPD    $0, Y5, Y0, Y5
	VBLENDVPD Y5, Y0, Y13, Y13
	VANDPD    Y14, Y0, Y6
	VXORPD    Y9, Y6, Y6
	VCMPPD    $14, halfMaxLog<>(SB), Y1, Y3
	VBLENDVPD Y3, Y6, Y13, Y13

	VMOVUPD Y13, (DI)
	ADDQ    $32, SI
	ADDQ    $32, DI
	SUBQ    $4, CX
	JMP     loop

done:
	VMOVMSKPD Y15, AX
	MOVQ      AX, nans+24(FP)
	VZEROUPPER
	RET

// TANH8 is tanhAVX2FMA's arithmetic for the eight lanes at off(SI),
// stored at off(DI), on 512-bit registers: the exponent k is rounded to
// the nearest integer in place (VRNDSCALEPD, the value the AVX2 kernel's
// conversions give for |k| < 2^31) and 2^k applied by VSCALEFPD (the
// product by an exact power of two, rounded once, as VMULPD by 2^k is);
// masks replace blends. It needs the constants of tanhAVX512F in Z25–Z31
// and ORs its NaN lanes into K4.
#define TANH8(off, X, AX, T, K, P, XX, PP, QQ, NUM, KA, KB, KN) \
	VMOVUPD           off(SI), X; \
	VCMPPD            $3, X, X, KN; \
	KORW              KN, K4, K4; \
	VPANDQ            Z28, X, AX; \
	VADDPD            AX, AX, T; \
	VMULPD.BCST       log2e<>(SB), T, K; \
	VRNDSCALEPD       $0, K, K; \
	VFNMADD231PD.BCST ln2u<>(SB), K, T; \
	VFNMADD231PD.BCST ln2l<>(SB), K, T; \
	VMULPD.BCST       sixteenth<>(SB), T, T; \
	VBROADCASTSD      exp8<>(SB), P; \
	VFMADD213PD.BCST  exp7<>(SB), T, P; \
	VFMADD213PD.BCST  exp6<>(SB), T, P; \
	VFMADD213PD.BCST  exp5<>(SB), T, P; \
	VFMADD213PD.BCST  exp4<>(SB), T, P; \
	VFMADD213PD.BCST  exp3<>(SB), T, P; \
	VFMADD213PD.BCST  half<>(SB), T, P; \
	VFMADD213PD       Z31, T, P; \
	VMULPD            P, T, T; \
	VADDPD            Z30, T, P; \
	VMULPD            P, T, T; \
	VADDPD            Z30, T, P; \
	VMULPD            P, T, T; \
	VADDPD            Z30, T, P; \
	VMULPD            P, T, T; \
	VADDPD            Z30, T, P; \
	VFMADD213PD       Z31, P, T; \
	VSCALEFPD         K, T, T; \
	VADDPD            Z31, T, K; \
	VMULPD            X, X, XX; \
	VMULPD.BCST       p0<>(SB), XX, PP; \
	VADDPD.BCST       p1<>(SB), PP, PP; \
	VMULPD            XX, PP, PP; \
	VADDPD.BCST       p2<>(SB), PP, PP; \
	VADDPD.BCST       q0<>(SB), XX, QQ; \
	VMULPD            XX, QQ, QQ; \
	VADDPD.BCST       q1<>(SB), QQ, QQ; \
	VMULPD            XX, QQ, QQ; \
	VADDPD.BCST       q2<>(SB), QQ, QQ; \
	VMULPD            XX, X, NUM; \
	VMULPD            PP, NUM, NUM; \
	VCMPPD            $13, Z26, AX, KA; \
	VMOVAPD           Z30, KA, NUM; \
	VMOVAPD           K, KA, QQ; \
	VDIVPD            QQ, NUM, NUM; \
	VSUBPD            NUM, Z31, P; \
	VPANDQ            Z29, X, T; \
	VPXORQ            T, P, P; \
	VADDPD            NUM, X, NUM; \
	VMOVAPD           P, KA, NUM; \
	VCMPPD            $0, Z25, X, KB; \
	VMOVAPD           X, KB, NUM; \
	VPXORQ            Z31, T, T; \
	VCMPPD            $14, Z27, AX, KA; \
	VMOVAPD           T, KA, NUM; \
	VMOVUPD           NUM, off(DI)

// func tanhAVX512F(x, y *float64, n int) (nans int)
//
// tanhAVX2FMA eight lanes at a time (n a multiple of 8), two blocks of
// eight interleaved per iteration: each block is one long chain of
// dependent operations, and two chains keep the core busy where one
// leaves it waiting.
TEXT ·tanhAVX512F(SB), NOSPLIT, $0-32
	MOVQ         x+0(FP), SI
	MOVQ         y+8(FP), DI
	MOVQ         n+16(FP), CX
	VPXORQ       Z25, Z25, Z25
	VBROADCASTSD fiveEighths<>(SB), Z26
	VBROADCASTSD halfMaxLog<>(SB), Z27
	VBROADCASTSD absMask<>(SB), Z28
	VBROADCASTSD signBit<>(SB), Z29
	VBROADCASTSD two<>(SB), Z30
	VBROADCASTSD one<>(SB), Z31
	KXORW        K4, K4, K4

pair:
	CMPQ CX, $16
	JLT  single
	TANH8(0, Z0, Z1, Z2, Z3, Z4, Z5, Z6, Z7, Z8, K1, K2, K3)
	TANH8(64, Z9, Z10, Z11, Z12, Z13, Z14, Z15, Z16, Z17, K5, K6, K7)
	ADDQ $128, SI
	ADDQ $128, DI
	SUBQ $16, CX
	JMP  pair

single:
	CMPQ CX, $8
	JLT  done
	TANH8(0, Z0, Z1, Z2, Z3, Z4, Z5, Z6, Z7, Z8, K1, K2, K3)

done:
	KMOVW K4, AX
	MOVQ  AX, nans+24(FP)
	VZEROUPPER
	RET

// func tanhGradAVX2(y, d *float64, n int)
//
// d[i] ·= 1 − y[i]·y[i] for n (a multiple of 4) values, each operation
// rounded on its own as in Activation.Backprop.
TEXT ·tanhGradAVX2(SB), NOSPLIT, $0-24
	MOVQ    y+0(FP), SI
	MOVQ    d+8(FP), DI
	MOVQ    n+16(FP), CX
	VMOVUPD one<>(SB), Y9

grad:
	CMPQ    CX, $4
	JLT     gradDone
	VMOVUPD (SI), Y0
	VMULPD  Y0, Y0, Y0
	VSUBPD  Y0, Y9, Y0
	VMULPD  (DI), Y0, Y0
	VMOVUPD Y0, (DI)
	ADDQ    $32, SI
	ADDQ    $32, DI
	SUBQ    $4, CX
	JMP     grad

gradDone:
	VZEROUPPER
	RET
