package sdk

import (
	"bufio"
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"io"
	"net"
	"runtime"
	"sync"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	"github.com/smgrnn/arena/plugins/internal/frame"
	"github.com/smgrnn/arena/plugins/internal/wire"
	arenav1 "github.com/smgrnn/arena/plugins/proto/arena/v1"
)

// A channel carries one kind of hot call over a plain local socket, framed
// as arena.proto describes at OpenChannel. A gRPC call costs goroutine
// hand-offs on each side (the transport's reader and writer) and HTTP/2
// framing; on a channel the calling goroutine writes and reads the socket
// itself (figures in plugins/README.md).

// laneFunc answers one request payload.
type laneFunc func(ctx context.Context, payload []byte) (proto.Message, error)

// lane adapts a unary handler to a laneFunc.
func lane[Req any, Resp proto.Message](f func(context.Context, *Req) (Resp, error)) laneFunc {
	return func(ctx context.Context, payload []byte) (proto.Message, error) {
		req := new(Req)
		if err := proto.Unmarshal(payload, any(req).(proto.Message)); err != nil {
			return nil, status.Errorf(codes.InvalidArgument, "decoding the request: %v", err)
		}
		return f(ctx, req)
	}
}

// channels serves the channels of one plugin process: one listener, made
// at the first OpenChannel, and the tokens given out but not yet used.
type channels struct {
	arenav1.PluginServer
	lanes map[string]laneFunc

	mu      sync.Mutex
	ln      net.Listener
	pending map[string]pendingLane // by token (raw bytes as a string)
}

// pendingLane is a channel given out and not yet connected to.
type pendingLane struct {
	method string // for panics' messages
	f      laneFunc
}

// withChannels returns v.Plugin with OpenChannel served for v's hot calls.
func withChannels(v Services) *channels {
	return &channels{PluginServer: v.Plugin, pending: map[string]pendingLane{},
		lanes: map[string]laneFunc{
			wire.MethodEnvStep:             lane(v.Env.Step),
			wire.MethodTeacherAct:          lane(v.Teacher.Act),
			wire.MethodTeacherLabel:        lane(v.Teacher.Label),
			wire.MethodStudentAct:          lane(v.Student.Act),
			wire.MethodStudentTrain:        lane(v.Student.Train),
			wire.MethodStudentTrainBatches: lane(v.Student.TrainBatches),
		}}
}

// OpenChannel implements arenav1.PluginServer.
func (c *channels) OpenChannel(_ context.Context, req *arenav1.ChannelRequest) (*arenav1.ChannelResponse, error) {
	f, ok := c.lanes[req.Method]
	if !ok {
		return nil, status.Errorf(codes.NotFound, "no channel for %q", req.Method)
	}
	token := make([]byte, frame.TokenBytes)
	if _, err := rand.Read(token); err != nil {
		return nil, status.Errorf(codes.Internal, "channel token: %v", err)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ln == nil {
		ln, err := listenLocal()
		if err != nil {
			return nil, status.Errorf(codes.Unavailable, "channel listener: %v", err)
		}
		c.ln = ln
		go c.accept(ln)
	}
	c.pending[string(token)] = pendingLane{method: req.Method, f: f}
	return &arenav1.ChannelResponse{Network: c.ln.Addr().Network(), Address: c.ln.Addr().String(), Token: token}, nil
}

// listenLocal listens where only this machine can connect: Linux's
// abstract socket namespace (no file to clean up when the plugin is
// killed), else loopback TCP. Either way the token, not the address, is
// what admits a connection.
func listenLocal() (net.Listener, error) {
	if runtime.GOOS == "linux" {
		name := make([]byte, 12)
		if _, err := rand.Read(name); err != nil {
			return nil, err
		}
		if ln, err := net.Listen("unix", "@arena-channel-"+hex.EncodeToString(name)); err == nil {
			return ln, nil
		}
	}
	return net.Listen("tcp", "127.0.0.1:0")
}

func (c *channels) accept(ln net.Listener) {
	for {
		nc, err := ln.Accept()
		if err != nil {
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				continue
			}
			return
		}
		go c.serve(nc)
	}
}

// serve checks a connection's token and then answers its calls until the
// host closes it.
func (c *channels) serve(nc net.Conn) {
	token := make([]byte, frame.TokenBytes)
	nc.SetReadDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.ReadFull(nc, token); err != nil {
		nc.Close()
		return
	}
	nc.SetReadDeadline(time.Time{})
	c.mu.Lock()
	var pl pendingLane
	for t, p := range c.pending {
		if subtle.ConstantTimeCompare([]byte(t), token) == 1 {
			pl = p
			delete(c.pending, t)
			break
		}
	}
	c.mu.Unlock()
	if pl.f == nil {
		nc.Close()
		return
	}
	// The host may leave a channel idle for as long as it likes (between
	// rollouts, say), so reads wait without a timeout; the plugin exits
	// with its host anyway.
	rw := frame.WithTimeout(nc, 0)
	defer rw.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	r := bufio.NewReaderSize(rw, 64<<10)
	var in, out []byte
	for {
		var code byte
		var err error
		in, code, err = frame.Read(r, in, wire.MaxMessageBytes)
		if err != nil {
			return
		}
		if code != 0 {
			return // requests carry no status: the peer is not a host
		}
		out = answer(ctx, pl.method, pl.f, in, out[:0])
		if _, err := rw.Write(out); err != nil {
			return
		}
	}
}

// answer runs one call and appends its reply frame to out.
func answer(ctx context.Context, method string, f laneFunc, payload, out []byte) []byte {
	resp, err := func() (resp proto.Message, err error) {
		defer func() {
			if r := recover(); r != nil {
				err = panicked(method, r)
			}
		}()
		return f(ctx, payload)
	}()
	if err == nil {
		out, err = frame.Append(out, 0, resp, wire.MaxMessageBytes)
		if err == nil {
			return out
		}
		err = status.Errorf(codes.Internal, "encoding the reply: %v", err)
	}
	st, _ := status.FromError(err)
	return frame.AppendRaw(out, byte(st.Code()), []byte(st.Message()))
}
