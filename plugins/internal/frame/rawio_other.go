//go:build !linux

package frame

import "net"

// rawIO is Linux's; elsewhere channels use the net package's I/O.
type rawIO struct{}

func newRawIO(net.Conn) *rawIO { return nil }

func (*rawIO) read([]byte) (int, error)  { panic("unreachable") }
func (*rawIO) write([]byte) (int, error) { panic("unreachable") }
