package host

import (
	"context"
	"io"
	"sync"
	"sync/atomic"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// lockstep makes one kind of call over a long-lived bidirectional stream,
// one request and one response at a time. A call on an open stream costs
// a fraction of a unary call (no new HTTP/2 stream, no headers), which is
// what rollouts need: they make one call per step. Each call keeps its own
// deadline (a timer cancels the stream), and a plugin that answers
// Unimplemented gets unary calls from then on.
type lockstep[Req, Resp any] struct {
	c     *conn
	name  string // e.g. "Env.Step"
	open  func(ctx context.Context, opts ...grpc.CallOption) (grpc.BidiStreamingClient[Req, Resp], error)
	unary func(ctx context.Context, req *Req, opts ...grpc.CallOption) (*Resp, error)

	mu       sync.Mutex
	stream   grpc.BidiStreamingClient[Req, Resp]
	cancel   context.CancelFunc
	noStream bool
	timedOut atomic.Bool
}

// call sends req and returns the response, or an *Error.
func (l *lockstep[Req, Resp]) call(req *Req) (*Resp, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.noStream {
		return l.callUnary(req)
	}
	fresh := l.stream == nil
	if fresh {
		ctx, cancel := context.WithCancel(context.Background())
		stream, err := l.open(ctx)
		if err != nil {
			cancel()
			return nil, l.c.classify(l.name, err, false, l.c.timeout)
		}
		l.stream, l.cancel = stream, cancel
	}
	l.timedOut.Store(false)
	cancel := l.cancel
	timer := time.AfterFunc(l.c.timeout, func() {
		l.timedOut.Store(true)
		cancel()
	})
	err := l.stream.Send(req)
	var resp *Resp
	if err == nil {
		resp, err = l.stream.Recv()
	} else if err == io.EOF {
		// The send failed because the stream ended; Recv has the reason.
		_, err = l.stream.Recv()
	}
	timer.Stop()
	if err == nil {
		return resp, nil
	}
	l.endLocked()
	if st, _ := status.FromError(err); fresh && st.Code() == codes.Unimplemented {
		l.noStream = true
		return l.callUnary(req)
	}
	return nil, l.c.classify(l.name, err, l.timedOut.Load(), l.c.timeout)
}

func (l *lockstep[Req, Resp]) callUnary(req *Req) (*Resp, error) {
	var resp *Resp
	err := l.c.call(l.name, func(ctx context.Context) (err error) {
		resp, err = l.unary(ctx, req)
		return err
	})
	return resp, err
}

// end closes the stream, if one is open.
func (l *lockstep[Req, Resp]) end() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.endLocked()
}

func (l *lockstep[Req, Resp]) endLocked() {
	if l.stream != nil {
		l.stream.CloseSend()
		l.cancel()
		l.stream, l.cancel = nil, nil
	}
}
