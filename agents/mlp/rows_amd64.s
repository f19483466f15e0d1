//go:build !amd64.v3

#include "textflag.h"

// func addRowAVX2(y, b *float64, rows, cols, ldy int)
//
// y[r·ldy+j] += b[j] for r < rows and j < cols, cols a multiple of 4.
TEXT ·addRowAVX2(SB), NOSPLIT, $0-40
	MOVQ y+0(FP), DI
	MOVQ b+8(FP), SI
	MOVQ rows+16(FP), CX
	MOVQ cols+24(FP), DX
	MOVQ ldy+32(FP), R8
	SHLQ $3, R8

row:
	TESTQ CX, CX
	JEQ   done
	XORQ  AX, AX

col:
	CMPQ    AX, DX
	JGE     next
	VMOVUPD (DI)(AX*8), Y0
	VADDPD  (SI)(AX*8), Y0, Y0
	VMOVUPD Y0, (DI)(AX*8)
	ADDQ    $4, AX
	JMP     col

next:
	ADDQ R8, DI
	DECQ CX
	JMP  row

done:
	VZEROUPPER
	RET

// func colSumsAVX2(d *float64, rows, cols, ldd int, sums *float64)
//
// colSums for cols (a multiple of 4) columns, four at a time: per column
// four accumulators by row index mod 4, the rows past the last multiple
// of four into the first, then (s0+s1)+(s2+s3).
TEXT ·colSumsAVX2(SB), NOSPLIT, $0-40
	MOVQ d+0(FP), SI
	MOVQ rows+8(FP), CX
	MOVQ cols+16(FP), DX
	MOVQ ldd+24(FP), R8
	SHLQ $3, R8
	MOVQ sums+32(FP), DI
	LEAQ (R8)(R8*2), R9 // three rows

chunk:
	CMPQ   DX, $4
	JLT    done
	VXORPD Y0, Y0, Y0
	VXORPD Y1, Y1, Y1
	VXORPD Y2, Y2, Y2
	VXORPD Y3, Y3, Y3
	MOVQ   SI, BX
	MOVQ   CX, AX

four:
	CMPQ    AX, $4
	JLT     rest
	VADDPD  (BX), Y0, Y0
	VADDPD  (BX)(R8*1), Y1, Y1
	VADDPD  (BX)(R8*2), Y2, Y2
	VADDPD  (BX)(R9*1), Y3, Y3
	LEAQ    (BX)(R8*4), BX
	SUBQ    $4, AX
	JMP     four

rest:
	TESTQ  AX, AX
	JEQ    sum
	VADDPD (BX), Y0, Y0
	ADDQ   R8, BX
	DECQ   AX
	JMP    rest

sum:
	VADDPD  Y1, Y0, Y0
	VADDPD  Y3, Y2, Y2
	VADDPD  Y2, Y0, Y0
	VMOVUPD Y0, (DI)
	ADDQ    $32, SI
	ADDQ    $32, DI
	SUBQ    $4, DX
	JMP     chunk

done:
	VZEROUPPER
	RET

// func colSumsAVX512(d *float64, rows, cols, ldd int, sums *float64)
//
// colSumsAVX2 eight columns at a time (cols a multiple of 8).
TEXT ·colSumsAVX512(SB), NOSPLIT, $0-40
	MOVQ d+0(FP), SI
	MOVQ rows+8(FP), CX
	MOVQ cols+16(FP), DX
	MOVQ ldd+24(FP), R8
	SHLQ $3, R8
	MOVQ sums+32(FP), DI
	LEAQ (R8)(R8*2), R9 // three rows

chunk:
	CMPQ   DX, $8
	JLT    done
	VPXORQ Z0, Z0, Z0
	VPXORQ Z1, Z1, Z1
	VPXORQ Z2, Z2, Z2
	VPXORQ Z3, Z3, Z3
	MOVQ   SI, BX
	MOVQ   CX, AX

four:
	CMPQ    AX, $4
	JLT     rest
	VADDPD  (BX), Z0, Z0
	VADDPD  (BX)(R8*1), Z1, Z1
	VADDPD  (BX)(R8*2), Z2, Z2
	VADDPD  (BX)(R9*1), Z3, Z3
	LEAQ    (BX)(R8*4), BX
	SUBQ    $4, AX
	JMP     four

rest:
	TESTQ  AX, AX
	JEQ    sum
	VADDPD (BX), Z0, Z0
	ADDQ   R8, BX
	DECQ   AX
	JMP    rest

sum:
	VADDPD  Z1, Z0, Z0
	VADDPD  Z3, Z2, Z2
	VADDPD  Z2, Z0, Z0
	VMOVUPD Z0, (DI)
	ADDQ    $64, SI
	ADDQ    $64, DI
	SUBQ    $8, DX
	JMP     chunk

done:
	VZEROUPPER
	RET
