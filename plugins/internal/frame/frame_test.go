package frame

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"testing"
	"time"

	arenav1 "github.com/smgrnn/arena/plugins/proto/arena/v1"
	"google.golang.org/protobuf/proto"
)

func TestFrameRoundTrip(t *testing.T) {
	m := &arenav1.EnvStepRequest{Handle: 7, Actions: []float64{1, -2.5, 3}}
	b, err := Append([]byte("prefix"), 0, m, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	b = AppendRaw(b, 13, []byte("it broke"))
	r := bufio.NewReader(bytes.NewReader(b[len("prefix"):]))
	payload, code, err := Read(r, nil, 1<<20)
	if err != nil || code != 0 {
		t.Fatalf("first frame: code %d, %v", code, err)
	}
	var back arenav1.EnvStepRequest
	if err := proto.Unmarshal(payload, &back); err != nil || !proto.Equal(&back, m) {
		t.Fatalf("first frame decoded to %v (%v), want %v", &back, err, m)
	}
	payload, code, err = Read(r, payload, 1<<20)
	if err != nil || code != 13 || string(payload) != "it broke" {
		t.Fatalf("second frame: code %d %q, %v", code, payload, err)
	}
	if _, _, err := Read(r, payload, 1<<20); err != io.EOF {
		t.Fatalf("after the last frame: %v, want EOF", err)
	}
}

func TestFrameLimits(t *testing.T) {
	m := &arenav1.EnvStepRequest{Actions: make([]float64, 100)}
	if b, err := Append([]byte("x"), 0, m, 64); err == nil || string(b) != "x" {
		t.Errorf("a message over the limit: %q, %v; want an error and the buffer as it was", b, err)
	}
	header := []byte{0xff, 0xff, 0xff, 0x7f, 0}
	if _, _, err := Read(bufio.NewReader(bytes.NewReader(header)), nil, 1<<20); err == nil {
		t.Error("a 2 GiB frame header was accepted")
	}
	short := append([]byte{10, 0, 0, 0, 0}, "abc"...)
	if _, _, err := Read(bufio.NewReader(bytes.NewReader(short)), nil, 1<<20); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("a cut frame: %v, want ErrUnexpectedEOF", err)
	}
}

// pair returns both ends of a local connection, the first given timeout.
func pair(t *testing.T, network, address string, timeout time.Duration) (io.ReadWriteCloser, net.Conn) {
	t.Helper()
	ln, err := net.Listen(network, address)
	if err != nil {
		t.Skipf("cannot listen on %s %s: %v", network, address, err)
	}
	defer ln.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		c, _ := ln.Accept()
		accepted <- c
	}()
	nc, err := net.Dial(network, ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	peer := <-accepted
	if peer == nil {
		t.Fatal("accept failed")
	}
	t.Cleanup(func() { peer.Close() })
	rw := WithTimeout(nc, timeout)
	t.Cleanup(func() { rw.Close() })
	return rw, peer
}

func TestWithTimeout(t *testing.T) {
	for _, tc := range []struct{ network, address string }{{"unix", fmt.Sprintf("@arena-frame-test-%d", os.Getpid())}, {"tcp", "127.0.0.1:0"}} {
		t.Run(tc.network, func(t *testing.T) {
			rw, peer := pair(t, tc.network, tc.address, 100*time.Millisecond)
			msg := bytes.Repeat([]byte("0123456789"), 100_000) // more than a socket buffer holds
			go func() {
				buf := make([]byte, len(msg))
				io.ReadFull(peer, buf)
				peer.Write(buf)
			}()
			if n, err := rw.Write(msg); n != len(msg) || err != nil {
				t.Fatalf("write: %d of %d bytes, %v", n, len(msg), err)
			}
			back := make([]byte, len(msg))
			if _, err := io.ReadFull(rw, back); err != nil || !bytes.Equal(back, msg) {
				t.Fatalf("echo: %v, equal %v", err, bytes.Equal(back, msg))
			}
			// Nothing more comes: the read ends at the timeout.
			start := time.Now()
			if _, err := rw.Read(back); !errors.Is(err, ErrTimeout) {
				t.Fatalf("read with no data: %v, want ErrTimeout", err)
			}
			if d := time.Since(start); d < 50*time.Millisecond || d > 5*time.Second {
				t.Errorf("the timeout of 100ms took %v", d)
			}
			// A longer timeout for a longer call.
			rw.(*Conn).SetTimeout(300 * time.Millisecond)
			start = time.Now()
			if _, err := rw.Read(back); !errors.Is(err, ErrTimeout) || time.Since(start) < 250*time.Millisecond {
				t.Fatalf("read with no data and a timeout of 300ms: %v after %v", err, time.Since(start))
			}
			// The peer goes: EOF.
			peer.Close()
			if _, err := rw.Read(back); err != io.EOF {
				t.Errorf("read after the peer closed: %v, want EOF", err)
			}
		})
	}
}
