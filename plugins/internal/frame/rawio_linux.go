package frame

import (
	"io"
	"net"
	"syscall"
	"unsafe"
)

// rawIO reads and writes a socket with raw system calls (syscall.RawSyscall)
// and waits in Go's network poller only when the socket is not ready.
//
// Why: every ordinary syscall.Read or syscall.Write enters the runtime's
// syscall state, which wakes the runtime's monitor thread (sysmon) when it
// sleeps because the process was idle. A plugin call finds both processes
// idle, so each call woke a sysmon in each, which then slept and woke in
// short steps: a large share of the context switches of a distillation
// run through plugins (plugins/README.md). The socket is non-blocking (the net package makes it so),
// so these calls never block and need not tell the runtime about them.
type rawIO struct {
	rc syscall.RawConn
}

// rawOrNet returns raw I/O for nc, or nc itself when it has no file
// descriptor.
func rawOrNet(nc net.Conn) io.ReadWriter {
	sc, ok := nc.(syscall.Conn)
	if !ok {
		return nc
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return nc
	}
	return &rawIO{rc: rc}
}

// Read implements io.Reader.
func (r *rawIO) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	var n int
	var errno syscall.Errno
	err := r.rc.Read(func(fd uintptr) bool {
		for {
			m, _, e := syscall.RawSyscall(syscall.SYS_READ, fd, uintptr(unsafe.Pointer(&p[0])), uintptr(len(p)))
			switch e {
			case syscall.EINTR:
				continue
			case syscall.EAGAIN:
				return false // wait in the poller
			}
			n, errno = int(m), e
			return true
		}
	})
	if err != nil {
		return 0, err
	}
	if errno != 0 {
		return 0, errno
	}
	if n == 0 {
		return 0, io.EOF
	}
	return n, nil
}

// Write implements io.Writer.
func (r *rawIO) Write(p []byte) (int, error) {
	var n int
	var errno syscall.Errno
	err := r.rc.Write(func(fd uintptr) bool {
		for n < len(p) {
			m, _, e := syscall.RawSyscall(syscall.SYS_WRITE, fd, uintptr(unsafe.Pointer(&p[n])), uintptr(len(p)-n))
			switch e {
			case 0:
				n += int(m)
			case syscall.EINTR:
			case syscall.EAGAIN:
				return false
			default:
				errno = e
				return true
			}
		}
		return true
	})
	if err != nil {
		return n, err
	}
	if errno != 0 {
		return n, errno
	}
	return n, nil
}
