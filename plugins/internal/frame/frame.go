// Package frame is the wire format of plugin channels (see OpenChannel in
// arena.proto), shared by the host and the SDK: length-prefixed frames
// with a status code, and sockets with a timeout on every read and write.
package frame

import (
	"bufio"
	"fmt"
	"io"

	"google.golang.org/protobuf/proto"
)

// HeaderBytes is the length of a frame's header: the payload length
// (uint32, little-endian) and the status code.
const HeaderBytes = 5

// TokenBytes is the length of a channel's token.
const TokenBytes = 32

// Append appends a frame carrying m with status code to b. A payload over
// limit bytes is an error (and b is returned as it was).
func Append(b []byte, code byte, m proto.Message, limit int) ([]byte, error) {
	start := len(b)
	b = append(b, 0, 0, 0, 0, code)
	b, err := proto.MarshalOptions{}.MarshalAppend(b, m)
	if err != nil {
		return b[:start], err
	}
	n := len(b) - start - HeaderBytes
	if n > limit {
		return b[:start], fmt.Errorf("message of %d bytes is over the limit of %d", n, limit)
	}
	putLength(b[start:], n)
	return b, nil
}

// AppendRaw appends a frame carrying payload as it is (an error message).
func AppendRaw(b []byte, code byte, payload []byte) []byte {
	start := len(b)
	b = append(b, 0, 0, 0, 0, code)
	b = append(b, payload...)
	putLength(b[start:], len(payload))
	return b
}

func putLength(b []byte, n int) {
	b[0], b[1], b[2], b[3] = byte(n), byte(n>>8), byte(n>>16), byte(n>>24)
}

// Read reads one frame from r into buf (grown as needed) and returns its
// payload and status code. A payload over limit bytes is an error, before
// any of it is read.
func Read(r *bufio.Reader, buf []byte, limit int) ([]byte, byte, error) {
	var h [HeaderBytes]byte
	if _, err := io.ReadFull(r, h[:]); err != nil {
		return buf, 0, err
	}
	n := int(h[0]) | int(h[1])<<8 | int(h[2])<<16 | int(h[3])<<24
	if n > limit {
		return buf, 0, fmt.Errorf("frame of %d bytes is over the limit of %d", n, limit)
	}
	if cap(buf) < n {
		buf = make([]byte, n)
	}
	buf = buf[:n]
	if _, err := io.ReadFull(r, buf); err != nil {
		return buf, 0, err
	}
	return buf, h[4], nil
}
