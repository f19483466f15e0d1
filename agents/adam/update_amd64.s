//go:build !amd64.v3

#include "textflag.h"

// func updateAVX2(n int, params, grads, m, v *float64, c *[7]float64)
//
// Update's loop for n (a multiple of 4) parameters, four at a time, with
// c = β1, 1−β1, β2, 1−β2, the step size, bc2 and ε: every product, sum,
// square root and quotient rounded on its own, in Update's order.
TEXT ·updateAVX2(SB), NOSPLIT, $0-48
	MOVQ n+0(FP), CX
	MOVQ params+8(FP), DI
	MOVQ grads+16(FP), SI
	MOVQ m+24(FP), R8
	MOVQ v+32(FP), R9
	MOVQ c+40(FP), AX
	VBROADCASTSD 0(AX), Y10  // β1
	VBROADCASTSD 8(AX), Y11  // 1−β1
	VBROADCASTSD 16(AX), Y12 // β2
	VBROADCASTSD 24(AX), Y13 // 1−β2
	VBROADCASTSD 32(AX), Y14 // step size
	VBROADCASTSD 40(AX), Y15 // bc2
	VBROADCASTSD 48(AX), Y9  // ε

loop:
	CMPQ    CX, $4
	JLT     done
	VMOVUPD (SI), Y0         // g
	VMULPD  (R8), Y10, Y4    // β1·m
	VMULPD  Y0, Y11, Y5      // (1−β1)·g
	VADDPD  Y5, Y4, Y4       // mi
	VMOVUPD Y4, (R8)
	VMULPD  (R9), Y12, Y6    // β2·v
	VMULPD  Y0, Y13, Y7      // (1−β2)·g
	VMULPD  Y0, Y7, Y7       // ·g
	VADDPD  Y7, Y6, Y6       // vi
	VMOVUPD Y6, (R9)
	VMULPD  Y4, Y14, Y8      // step size·mi
	VSQRTPD Y6, Y6
	VDIVPD  Y15, Y6, Y6      // sqrt(vi)/bc2
	VADDPD  Y9, Y6, Y6       // + ε
	VDIVPD  Y6, Y8, Y8
	VMOVUPD (DI), Y1
	VSUBPD  Y8, Y1, Y1
	VMOVUPD Y1, (DI)
	ADDQ    $32, SI
	ADDQ    $32, DI
	ADDQ    $32, R8
	ADDQ    $32, R9
	SUBQ    $4, CX
	JMP     loop

done:
	VZEROUPPER
	RET

// func updateAVX512(n int, params, grads, m, v *float64, c *[7]float64)
//
// updateAVX2 eight parameters at a time (n a multiple of 8).
TEXT ·updateAVX512(SB), NOSPLIT, $0-48
	MOVQ n+0(FP), CX
	MOVQ params+8(FP), DI
	MOVQ grads+16(FP), SI
	MOVQ m+24(FP), R8
	MOVQ v+32(FP), R9
	MOVQ c+40(FP), AX
	VBROADCASTSD 0(AX), Z10  // β1
	VBROADCASTSD 8(AX), Z11  // 1−β1
	VBROADCASTSD 16(AX), Z12 // β2
	VBROADCASTSD 24(AX), Z13 // 1−β2
	VBROADCASTSD 32(AX), Z14 // step size
	VBROADCASTSD 40(AX), Z15 // bc2
	VBROADCASTSD 48(AX), Z9  // ε

loop:
	CMPQ    CX, $8
	JLT     done
	VMOVUPD (SI), Z0         // g
	VMULPD  (R8), Z10, Z4    // β1·m
	VMULPD  Z0, Z11, Z5      // (1−β1)·g
	VADDPD  Z5, Z4, Z4       // mi
	VMOVUPD Z4, (R8)
	VMULPD  (R9), Z12, Z6    // β2·v
	VMULPD  Z0, Z13, Z7      // (1−β2)·g
	VMULPD  Z0, Z7, Z7       // ·g
	VADDPD  Z7, Z6, Z6       // vi
	VMOVUPD Z6, (R9)
	VMULPD  Z4, Z14, Z8      // step size·mi
	VSQRTPD Z6, Z6
	VDIVPD  Z15, Z6, Z6      // sqrt(vi)/bc2
	VADDPD  Z9, Z6, Z6       // + ε
	VDIVPD  Z6, Z8, Z8
	VMOVUPD (DI), Z1
	VSUBPD  Z8, Z1, Z1
	VMOVUPD Z1, (DI)
	ADDQ    $64, SI
	ADDQ    $64, DI
	ADDQ    $64, R8
	ADDQ    $64, R9
	SUBQ    $8, CX
	JMP     loop

done:
	VZEROUPPER
	RET
