package frame

import (
	"bufio"
	"bytes"
	"testing"

	"google.golang.org/protobuf/types/known/wrapperspb"
)

// FuzzRead reads frames from arbitrary bytes, as a host or a plugin does
// from its peer's socket: no panic, no payload over the limit, and every
// frame read is exactly the bytes its header announced.
func FuzzRead(f *testing.F) {
	const limit = 1 << 16
	good, err := Append(nil, 0, wrapperspb.String("hello"), limit)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	f.Add(AppendRaw(good, 13, []byte("step failed")))
	f.Add([]byte{0xff, 0xff, 0xff, 0x7f, 0})    // a frame far over the limit
	f.Add([]byte{5, 0, 0, 0, 0, 'a', 'b'})      // a frame cut short
	f.Add([]byte{0, 0, 0, 0, 2, 0, 0, 0, 0, 0}) // empty payloads
	f.Fuzz(func(t *testing.T, data []byte) {
		r := bufio.NewReader(bytes.NewReader(data))
		var buf []byte
		consumed := 0
		for {
			payload, code, err := Read(r, buf, limit)
			if err != nil {
				return
			}
			if len(payload) > limit {
				t.Fatalf("read a payload of %d bytes over the limit of %d", len(payload), limit)
			}
			// The frame read is the next frame of the input, byte for byte.
			want := AppendRaw(nil, code, payload)
			if !bytes.Equal(data[consumed:consumed+len(want)], want) {
				t.Fatalf("frame at %d read as %x", consumed, want)
			}
			consumed += len(want)
			buf = payload
		}
	})
}
