//go:build !linux

package frame

import (
	"io"
	"net"
)

// rawOrNet returns nc: raw I/O is Linux's (see rawio_linux.go).
func rawOrNet(nc net.Conn) io.ReadWriter { return nc }
