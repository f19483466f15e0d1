//go:build !amd64.v3

#include "textflag.h"

// The edge loops of pass.go four values at a time, for n a multiple of 4.
// A 256-bit register holds the four partial sums s0..s3 of dot and dotAxpy
// (lane i sums the elements i, i+4, i+8, ...), which is exactly how the
// plain loops split their sums; products and sums are rounded separately
// (VMULPD, then VADDPD), as Go compiles the plain loops for GOAMD64 v1 and
// v2. The caller finishes the tail and the final (s0+s1)+(s2+s3).

// func axpyAVX2(alpha float64, x, y *float64, n int)
TEXT ·axpyAVX2(SB), NOSPLIT, $0-32
	VBROADCASTSD alpha+0(FP), Y0
	MOVQ x+8(FP), SI
	MOVQ y+16(FP), DI
	MOVQ n+24(FP), CX

axpy4:
	CMPQ    CX, $4
	JLT     axpyDone
	VMULPD  (SI), Y0, Y1
	VADDPD  (DI), Y1, Y1
	VMOVUPD Y1, (DI)
	ADDQ    $32, SI
	ADDQ    $32, DI
	SUBQ    $4, CX
	JMP     axpy4

axpyDone:
	VZEROUPPER
	RET

// func dotAVX2(x, y *float64, n int, sums *[4]float64)
TEXT ·dotAVX2(SB), NOSPLIT, $0-32
	MOVQ   x+0(FP), SI
	MOVQ   y+8(FP), DI
	MOVQ   n+16(FP), CX
	MOVQ   sums+24(FP), DX
	VXORPD Y0, Y0, Y0

dot4:
	CMPQ   CX, $4
	JLT    dotDone
	VMOVUPD (SI), Y1
	VMULPD (DI), Y1, Y1
	VADDPD Y1, Y0, Y0
	ADDQ   $32, SI
	ADDQ   $32, DI
	SUBQ   $4, CX
	JMP    dot4

dotDone:
	VMOVUPD Y0, (DX)
	VZEROUPPER
	RET

// func dotAxpyAVX2(alpha float64, x, y, z *float64, n int, sums *[4]float64)
TEXT ·dotAxpyAVX2(SB), NOSPLIT, $0-48
	VBROADCASTSD alpha+0(FP), Y2
	MOVQ   x+8(FP), SI
	MOVQ   y+16(FP), DI
	MOVQ   z+24(FP), R8
	MOVQ   n+32(FP), CX
	MOVQ   sums+40(FP), DX
	VXORPD Y0, Y0, Y0

dotAxpy4:
	CMPQ    CX, $4
	JLT     dotAxpyDone
	VMOVUPD (SI), Y1
	VMULPD  (DI), Y1, Y3
	VADDPD  Y3, Y0, Y0
	VMULPD  Y1, Y2, Y4
	VADDPD  (R8), Y4, Y4
	VMOVUPD Y4, (R8)
	ADDQ    $32, SI
	ADDQ    $32, DI
	ADDQ    $32, R8
	SUBQ    $4, CX
	JMP     dotAxpy4

dotAxpyDone:
	VMOVUPD Y0, (DX)
	VZEROUPPER
	RET
