package frame

import (
	"errors"
	"io"
	"net"
	"os"
	"time"
)

// ErrTimeout is a channel read or write that took longer than its timeout.
var ErrTimeout = errors.New("channel timeout")

// Conn is a channel's socket with a deadline of its timeout (0: none) set
// before every read and write; a read or write that misses it fails with
// ErrTimeout.
//
// (Reading and writing the socket with blocking system calls instead of
// through Go's network poller was tried: it made no measurable difference
// to a channel's round trip, whose cost is waking the other process; see
// plugins/README.md.)
type Conn struct {
	nc      net.Conn
	timeout time.Duration
	// rw reads and writes nc: with raw system calls where the platform
	// allows (see rawio_linux.go), else through nc itself.
	rw io.ReadWriter
}

// WithTimeout returns nc as a Conn with the given timeout.
func WithTimeout(nc net.Conn, timeout time.Duration) *Conn {
	return &Conn{nc: nc, timeout: timeout, rw: rawOrNet(nc)}
}

// SetTimeout sets the timeout of the reads and writes that follow, for a
// call that may take longer than most.
func (d *Conn) SetTimeout(timeout time.Duration) { d.timeout = timeout }

// Read implements io.Reader.
func (d *Conn) Read(p []byte) (int, error) {
	if d.timeout > 0 {
		d.nc.SetReadDeadline(time.Now().Add(d.timeout))
	}
	n, err := d.rw.Read(p)
	return n, deadlineErr(err)
}

// Write implements io.Writer.
func (d *Conn) Write(p []byte) (int, error) {
	if d.timeout > 0 {
		d.nc.SetWriteDeadline(time.Now().Add(d.timeout))
	}
	n, err := d.rw.Write(p)
	return n, deadlineErr(err)
}

// Close closes the socket.
func (d *Conn) Close() error { return d.nc.Close() }

func deadlineErr(err error) error {
	if errors.Is(err, os.ErrDeadlineExceeded) {
		return ErrTimeout
	}
	return err
}
