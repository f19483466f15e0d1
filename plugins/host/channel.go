package host

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	"github.com/smgrnn/arena/plugins/internal/frame"
	"github.com/smgrnn/arena/plugins/internal/wire"
	arenav1 "github.com/smgrnn/arena/plugins/proto/arena/v1"
)

// NoChannelsEnv, set to 1, makes the host use unary calls for hot calls
// even when a plugin offers channels (to compare the two, or to rule the
// channels out when debugging).
const NoChannelsEnv = "ARENA_NO_CHANNELS"

// channel is the host's end of a plugin channel (see OpenChannel in
// arena.proto): the calling goroutine writes a request frame and reads the
// reply frame itself, with no HTTP/2 and no hand-off to other goroutines.
type channel struct {
	rw  *frame.Conn
	r   *bufio.Reader
	out []byte
	in  []byte
}

// errNoChannel says the plugin does not offer a channel for the method.
var errNoChannel = errors.New("no channel")

// openChannel asks the plugin for a channel carrying method and connects
// to it. It returns errNoChannel when the plugin has none to offer (an
// older plugin, one in another language, or a refused connection), and an
// *Error when the plugin failed.
func openChannel(c *conn, method string) (*channel, error) {
	if os.Getenv(NoChannelsEnv) == "1" {
		return nil, errNoChannel
	}
	client := arenav1.NewPluginClient(c.cc)
	ctx, cancel := context.WithTimeout(context.Background(), c.timeout)
	resp, err := client.OpenChannel(ctx, &arenav1.ChannelRequest{Method: method})
	cancel()
	if err != nil {
		switch status.Code(err) {
		case codes.Unimplemented, codes.NotFound:
			return nil, errNoChannel
		}
		return nil, c.classify("Plugin.OpenChannel", err, errors.Is(ctx.Err(), context.DeadlineExceeded), c.timeout)
	}
	rw, err := dialChannel(resp, c.timeout)
	if err != nil {
		c.h.logger.Named(c.name).Debug("channel refused; using unary calls", "method", method, "error", err)
		return nil, errNoChannel
	}
	return &channel{rw: rw, r: bufio.NewReaderSize(rw, 64<<10)}, nil
}

// dialChannel connects to a channel and presents its token.
func dialChannel(resp *arenav1.ChannelResponse, timeout time.Duration) (*frame.Conn, error) {
	if len(resp.Token) != frame.TokenBytes {
		return nil, fmt.Errorf("token of %d bytes, want %d", len(resp.Token), frame.TokenBytes)
	}
	switch resp.Network {
	case "unix", "tcp":
	default:
		return nil, fmt.Errorf("network %q is not local", resp.Network)
	}
	nc, err := net.DialTimeout(resp.Network, resp.Address, timeout)
	if err != nil {
		return nil, err
	}
	rw := frame.WithTimeout(nc, timeout)
	if _, err := rw.Write(resp.Token); err != nil {
		rw.Close()
		return nil, err
	}
	return rw, nil
}

// call sends req and reads the reply into resp, each within timeout. A
// reply with a status other than OK comes back as a gRPC status error and
// leaves the channel usable; an I/O error (DeadlineExceeded when it was
// the call's timeout, else Unavailable) means the channel is finished.
func (ch *channel) call(req, resp proto.Message, timeout time.Duration) error {
	if err := ch.send(req, timeout); err != nil {
		return err
	}
	return ch.receive(resp, timeout)
}

// send writes req within timeout; errors are as call's.
func (ch *channel) send(req proto.Message, timeout time.Duration) error {
	ch.rw.SetTimeout(timeout)
	var err error
	ch.out, err = frame.Append(ch.out[:0], 0, req, wire.MaxMessageBytes)
	if err != nil {
		return status.Errorf(codes.InvalidArgument, "encoding the request: %v", err)
	}
	if _, err = ch.rw.Write(ch.out); err != nil {
		return ioStatus(err)
	}
	return nil
}

// receive reads the reply to the request sent last into resp, within
// timeout; errors are as call's.
func (ch *channel) receive(resp proto.Message, timeout time.Duration) error {
	ch.rw.SetTimeout(timeout)
	var code byte
	var err error
	ch.in, code, err = frame.Read(ch.r, ch.in, wire.MaxMessageBytes)
	if err != nil {
		return ioStatus(err)
	}
	if code != 0 {
		return status.Error(codes.Code(code), string(ch.in))
	}
	if err := proto.Unmarshal(ch.in, resp); err != nil {
		return status.Errorf(codes.Internal, "decoding the reply: %v", err)
	}
	return nil
}

// ioStatus turns a socket error into the status that says the channel is
// finished.
func ioStatus(err error) error {
	if errors.Is(err, frame.ErrTimeout) {
		return status.Error(codes.DeadlineExceeded, err.Error())
	}
	return status.Error(codes.Unavailable, err.Error())
}

// close ends the channel.
func (ch *channel) close() { ch.rw.Close() }
