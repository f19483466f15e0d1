//go:build !amd64.v3

#include "textflag.h"

// The kernels of gemm (gemm_amd64.go): each computes a block of rows×cols
// entries of c = a·b, c[i][j] = Σ_p a(i,p)·b[p][j], where a(i,p) is
// a[i·ars + p·acs] and b and c are row major with row strides ldb and ldc.
// Every entry has its own accumulator, starts from +0 and adds the
// products in increasing p, each product and each sum rounded separately
// (VMULPD, then VADDPD): the order and roundings of gemmGeneric, so the
// bits are the same. k may be zero (the block is set to zero).

// func gemm4x8AVX2(k int, a *float64, ars, acs int, b *float64, ldb int, c *float64, ldc int)
TEXT ·gemm4x8AVX2(SB), NOSPLIT, $0-64
	MOVQ k+0(FP), CX
	MOVQ a+8(FP), SI
	MOVQ ars+16(FP), R8
	SHLQ $3, R8
	MOVQ acs+24(FP), R9
	SHLQ $3, R9
	MOVQ b+32(FP), BX
	MOVQ ldb+40(FP), R10
	SHLQ $3, R10
	LEAQ (SI)(R8*1), R11
	LEAQ (R11)(R8*1), R12
	LEAQ (R12)(R8*1), R13
	VXORPD Y0, Y0, Y0
	VXORPD Y1, Y1, Y1
	VXORPD Y2, Y2, Y2
	VXORPD Y3, Y3, Y3
	VXORPD Y4, Y4, Y4
	VXORPD Y5, Y5, Y5
	VXORPD Y6, Y6, Y6
	VXORPD Y7, Y7, Y7
	TESTQ CX, CX
	JEQ   store

loop:
	VMOVUPD (BX), Y8
	VMOVUPD 32(BX), Y9
	VBROADCASTSD (SI), Y10
	VMULPD Y8, Y10, Y11
	VADDPD Y11, Y0, Y0
	VMULPD Y9, Y10, Y12
	VADDPD Y12, Y1, Y1
	VBROADCASTSD (R11), Y13
	VMULPD Y8, Y13, Y11
	VADDPD Y11, Y2, Y2
	VMULPD Y9, Y13, Y12
	VADDPD Y12, Y3, Y3
	VBROADCASTSD (R12), Y14
	VMULPD Y8, Y14, Y11
	VADDPD Y11, Y4, Y4
	VMULPD Y9, Y14, Y12
	VADDPD Y12, Y5, Y5
	VBROADCASTSD (R13), Y15
	VMULPD Y8, Y15, Y11
	VADDPD Y11, Y6, Y6
	VMULPD Y9, Y15, Y12
	VADDPD Y12, Y7, Y7
	ADDQ R9, SI
	ADDQ R9, R11
	ADDQ R9, R12
	ADDQ R9, R13
	ADDQ R10, BX
	DECQ CX
	JNZ  loop

store:
	MOVQ c+48(FP), DI
	MOVQ ldc+56(FP), DX
	SHLQ $3, DX
	VMOVUPD Y0, (DI)
	VMOVUPD Y1, 32(DI)
	ADDQ DX, DI
	VMOVUPD Y2, (DI)
	VMOVUPD Y3, 32(DI)
	ADDQ DX, DI
	VMOVUPD Y4, (DI)
	VMOVUPD Y5, 32(DI)
	ADDQ DX, DI
	VMOVUPD Y6, (DI)
	VMOVUPD Y7, 32(DI)
	VZEROUPPER
	RET

// func gemm1x8AVX2(k int, a *float64, ars, acs int, b *float64, ldb int, c *float64, ldc int)
TEXT ·gemm1x8AVX2(SB), NOSPLIT, $0-64
	MOVQ k+0(FP), CX
	MOVQ a+8(FP), SI
	MOVQ ars+16(FP), R8
	SHLQ $3, R8
	MOVQ acs+24(FP), R9
	SHLQ $3, R9
	MOVQ b+32(FP), BX
	MOVQ ldb+40(FP), R10
	SHLQ $3, R10
	VXORPD Y0, Y0, Y0
	VXORPD Y1, Y1, Y1
	TESTQ CX, CX
	JEQ   store

loop:
	VMOVUPD (BX), Y8
	VMOVUPD 32(BX), Y9
	VBROADCASTSD (SI), Y10
	VMULPD Y8, Y10, Y11
	VADDPD Y11, Y0, Y0
	VMULPD Y9, Y10, Y12
	VADDPD Y12, Y1, Y1
	ADDQ R9, SI
	ADDQ R10, BX
	DECQ CX
	JNZ  loop

store:
	MOVQ c+48(FP), DI
	MOVQ ldc+56(FP), DX
	SHLQ $3, DX
	VMOVUPD Y0, (DI)
	VMOVUPD Y1, 32(DI)
	VZEROUPPER
	RET

// func gemm4x16AVX512(k int, a *float64, ars, acs int, b *float64, ldb int, c *float64, ldc int)
TEXT ·gemm4x16AVX512(SB), NOSPLIT, $0-64
	MOVQ k+0(FP), CX
	MOVQ a+8(FP), SI
	MOVQ ars+16(FP), R8
	SHLQ $3, R8
	MOVQ acs+24(FP), R9
	SHLQ $3, R9
	MOVQ b+32(FP), BX
	MOVQ ldb+40(FP), R10
	SHLQ $3, R10
	LEAQ (SI)(R8*1), R11
	LEAQ (R11)(R8*1), R12
	LEAQ (R12)(R8*1), R13
	VPXORQ Z0, Z0, Z0
	VPXORQ Z1, Z1, Z1
	VPXORQ Z2, Z2, Z2
	VPXORQ Z3, Z3, Z3
	VPXORQ Z4, Z4, Z4
	VPXORQ Z5, Z5, Z5
	VPXORQ Z6, Z6, Z6
	VPXORQ Z7, Z7, Z7
	TESTQ CX, CX
	JEQ   store

loop:
	VMOVUPD (BX), Z8
	VMOVUPD 64(BX), Z9
	VBROADCASTSD (SI), Z10
	VMULPD Z8, Z10, Z11
	VADDPD Z11, Z0, Z0
	VMULPD Z9, Z10, Z12
	VADDPD Z12, Z1, Z1
	VBROADCASTSD (R11), Z13
	VMULPD Z8, Z13, Z11
	VADDPD Z11, Z2, Z2
	VMULPD Z9, Z13, Z12
	VADDPD Z12, Z3, Z3
	VBROADCASTSD (R12), Z14
	VMULPD Z8, Z14, Z11
	VADDPD Z11, Z4, Z4
	VMULPD Z9, Z14, Z12
	VADDPD Z12, Z5, Z5
	VBROADCASTSD (R13), Z15
	VMULPD Z8, Z15, Z11
	VADDPD Z11, Z6, Z6
	VMULPD Z9, Z15, Z12
	VADDPD Z12, Z7, Z7
	ADDQ R9, SI
	ADDQ R9, R11
	ADDQ R9, R12
	ADDQ R9, R13
	ADDQ R10, BX
	DECQ CX
	JNZ  loop

store:
	MOVQ c+48(FP), DI
	MOVQ ldc+56(FP), DX
	SHLQ $3, DX
	VMOVUPD Z0, (DI)
	VMOVUPD Z1, 64(DI)
	ADDQ DX, DI
	VMOVUPD Z2, (DI)
	VMOVUPD Z3, 64(DI)
	ADDQ DX, DI
	VMOVUPD Z4, (DI)
	VMOVUPD Z5, 64(DI)
	ADDQ DX, DI
	VMOVUPD Z6, (DI)
	VMOVUPD Z7, 64(DI)
	VZEROUPPER
	RET

// func gemm1x16AVX512(k int, a *float64, ars, acs int, b *float64, ldb int, c *float64, ldc int)
TEXT ·gemm1x16AVX512(SB), NOSPLIT, $0-64
	MOVQ k+0(FP), CX
	MOVQ a+8(FP), SI
	MOVQ ars+16(FP), R8
	SHLQ $3, R8
	MOVQ acs+24(FP), R9
	SHLQ $3, R9
	MOVQ b+32(FP), BX
	MOVQ ldb+40(FP), R10
	SHLQ $3, R10
	VPXORQ Z0, Z0, Z0
	VPXORQ Z1, Z1, Z1
	TESTQ CX, CX
	JEQ   store

loop:
	VMOVUPD (BX), Z8
	VMOVUPD 64(BX), Z9
	VBROADCASTSD (SI), Z10
	VMULPD Z8, Z10, Z11
	VADDPD Z11, Z0, Z0
	VMULPD Z9, Z10, Z12
	VADDPD Z12, Z1, Z1
	ADDQ R9, SI
	ADDQ R10, BX
	DECQ CX
	JNZ  loop

store:
	MOVQ c+48(FP), DI
	MOVQ ldc+56(FP), DX
	SHLQ $3, DX
	VMOVUPD Z0, (DI)
	VMOVUPD Z1, 64(DI)
	VZEROUPPER
	RET
