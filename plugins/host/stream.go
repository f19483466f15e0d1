package host

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
)

// lockstep makes one kind of call, one request and one response at a
// time, over the cheapest way the plugin offers: a channel (a plain local
// socket, see OpenChannel in arena.proto), else a long-lived bidirectional
// gRPC stream, else unary calls. Rollouts make one call per step, so this
// is where a plugin's overhead is decided: measured on an idle 2-core
// machine, a back-to-back round trip took 80–118 µs over a stream and
// 23–31 µs over a channel (BenchmarkVectorStep in plugins/host).
// Each call keeps its own deadline (a socket deadline on a channel, a
// timer cancelling a stream), and a plugin that answers Unimplemented gets
// the next way from then on.
type lockstep[Req, Resp any] struct {
	c      *conn
	name   string // e.g. "Env.Step"
	method string // the unary call's gRPC name, for a channel
	open   func(ctx context.Context, opts ...grpc.CallOption) (grpc.BidiStreamingClient[Req, Resp], error)
	unary  func(ctx context.Context, req *Req, opts ...grpc.CallOption) (*Resp, error)

	mu       sync.Mutex
	stream   grpc.BidiStreamingClient[Req, Resp]
	cancel   context.CancelFunc
	noStream bool
	timedOut atomic.Bool

	// ch is the channel carrying the calls when the plugin offers one;
	// streams are the fallback.
	ch        *channel
	noChannel bool

	// flight is the call start sent and finish has yet to take in.
	flight flight[Resp]
}

// flight is a split call (start, then finish) in progress: its request is
// on the channel, or, without a channel, the whole call was made and its
// outcome is kept.
type flight[Resp any] struct {
	state flightState
	resp  *Resp
	err   error
}

type flightState int

const (
	idle      flightState = iota
	onChannel             // the reply is to be read from the channel
	madeWhole             // resp and err are the call's outcome
)

// call sends req and returns the response, or an *Error.
func (l *lockstep[Req, Resp]) call(req *Req) (*Resp, error) {
	return l.callWithin(req, l.c.timeout)
}

// callWithin is call with a deadline other than the plugin's usual one,
// for a call that does the work of several.
func (l *lockstep[Req, Resp]) callWithin(req *Req, timeout time.Duration) (*Resp, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.flight.state != idle {
		return nil, fmt.Errorf("%s: a call is already in flight", l.name)
	}
	return l.callLocked(req, timeout)
}

// start sends req and returns without waiting for the reply, which finish
// takes in; the lockstep carries no other call in between. Without a
// channel, start makes the whole call and finish hands its outcome over:
// streams and unary calls are fallbacks, where overlap matters less.
func (l *lockstep[Req, Resp]) start(req *Req) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.flight.state != idle {
		return fmt.Errorf("%s: a call is already in flight", l.name)
	}
	if err := l.useChannel(); err != nil {
		return err
	}
	if l.ch == nil {
		resp, err := l.callLocked(req, l.c.timeout)
		l.flight = flight[Resp]{state: madeWhole, resp: resp, err: err}
		return nil
	}
	if err := l.ch.send(any(req).(proto.Message), l.c.timeout); err != nil {
		return l.channelFailed(err, l.c.timeout)
	}
	l.flight = flight[Resp]{state: onChannel}
	return nil
}

// finish returns the reply to the request start sent, or an *Error.
func (l *lockstep[Req, Resp]) finish() (*Resp, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	f := l.flight
	l.flight = flight[Resp]{}
	switch f.state {
	case madeWhole:
		return f.resp, f.err
	case onChannel:
		resp := new(Resp)
		if err := l.ch.receive(any(resp).(proto.Message), l.c.timeout); err != nil {
			return nil, l.channelFailed(err, l.c.timeout)
		}
		return resp, nil
	}
	return nil, fmt.Errorf("%s: no call in flight", l.name)
}

// useChannel opens the plugin's channel for the method on first use,
// unless it has none.
func (l *lockstep[Req, Resp]) useChannel() error {
	if l.ch != nil || l.noChannel {
		return nil
	}
	ch, err := openChannel(l.c, l.method)
	switch {
	case err == nil:
		l.ch = ch
	case errors.Is(err, errNoChannel):
		l.noChannel = true
	default:
		return err
	}
	return nil
}

// channelFailed closes the channel when err says it is finished (the
// socket failed or the plugin is stuck) and returns err as an *Error.
func (l *lockstep[Req, Resp]) channelFailed(err error, timeout time.Duration) error {
	if c := status.Code(err); c == codes.Unavailable || c == codes.DeadlineExceeded {
		l.ch.close()
		l.ch = nil
	}
	return l.c.classify(l.name, err, false, timeout)
}

func (l *lockstep[Req, Resp]) callLocked(req *Req, timeout time.Duration) (*Resp, error) {
	if err := l.useChannel(); err != nil {
		return nil, err
	}
	if l.ch != nil {
		resp := new(Resp)
		if err := l.ch.call(any(req).(proto.Message), any(resp).(proto.Message), timeout); err != nil {
			return nil, l.channelFailed(err, timeout)
		}
		return resp, nil
	}
	if l.noStream {
		return l.callUnary(req, timeout)
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
	timer := time.AfterFunc(timeout, func() {
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
		return l.callUnary(req, timeout)
	}
	return nil, l.c.classify(l.name, err, l.timedOut.Load(), timeout)
}

func (l *lockstep[Req, Resp]) callUnary(req *Req, timeout time.Duration) (*Resp, error) {
	var resp *Resp
	err := l.c.callWithin(l.name, timeout, func(ctx context.Context) (err error) {
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
	l.flight = flight[Resp]{}
	if l.ch != nil {
		l.ch.close()
		l.ch = nil
	}
	if l.stream != nil {
		l.stream.CloseSend()
		l.cancel()
		l.stream, l.cancel = nil, nil
	}
}
