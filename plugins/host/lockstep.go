package host

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
)

// lockstep makes one kind of call, one request and one response at a
// time, over a channel (a plain local socket, see OpenChannel in
// arena.proto) when the plugin offers one, else as unary gRPC calls.
// Rollouts make one call per step, so this is where a plugin's overhead
// is decided (see BenchmarkVectorStep). Each call keeps its own deadline:
// a socket deadline on a channel, a context deadline on a unary call.
type lockstep[Req, Resp any] struct {
	c      *conn
	name   string // e.g. "Env.Step"
	method string // the unary call's gRPC name, for a channel
	unary  func(ctx context.Context, req *Req, opts ...grpc.CallOption) (*Resp, error)

	mu sync.Mutex
	// ch is the channel carrying the calls when the plugin offers one.
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
// unary calls are the fallback, where overlap matters less.
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
	return l.callUnary(req, timeout)
}

func (l *lockstep[Req, Resp]) callUnary(req *Req, timeout time.Duration) (*Resp, error) {
	var resp *Resp
	err := l.c.callWithin(l.name, timeout, func(ctx context.Context) (err error) {
		resp, err = l.unary(ctx, req)
		return err
	})
	return resp, err
}

// end closes the channel, if one is open.
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
}
