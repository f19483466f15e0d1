package sdk

import (
	"bufio"
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	"github.com/smgrnn/arena/framework"
	"github.com/smgrnn/arena/plugins/internal/frame"
	"github.com/smgrnn/arena/plugins/internal/toy"
	"github.com/smgrnn/arena/plugins/internal/wire"
	arenav1 "github.com/smgrnn/arena/plugins/proto/arena/v1"
)

// toyChannels returns a channel server over the toy components and the
// handle of an open vector of n toy copies, reset with seed 1.
func toyChannels(t *testing.T, n int) (*channels, uint64) {
	t.Helper()
	srv := NewServer(Components{Name: "toy", Version: "0",
		Envs: map[string]framework.EnvMaker{toy.EnvID: func() (framework.Env, error) { return toy.NewEnv(), nil }}})
	v := srv.Services()
	ch := withChannels(v)
	t.Cleanup(func() {
		if ch.ln != nil {
			ch.ln.Close()
		}
	})
	open, err := v.Env.Open(context.Background(), &arenav1.EnvOpenRequest{Id: toy.EnvID, NumEnvs: uint32(n), Vector: true})
	if err != nil {
		t.Fatal(err)
	}
	seed := uint64(1)
	if _, err := v.Env.Reset(context.Background(), &arenav1.EnvResetRequest{Handle: open.Handle, Seed: &seed}); err != nil {
		t.Fatal(err)
	}
	return ch, open.Handle
}

// dial opens a channel for method and connects with token (nil: the one
// given out).
func dial(t *testing.T, ch *channels, method string, token []byte) (net.Conn, *bufio.Reader) {
	t.Helper()
	resp, err := ch.OpenChannel(context.Background(), &arenav1.ChannelRequest{Method: method})
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.Token) != frame.TokenBytes {
		t.Fatalf("token of %d bytes", len(resp.Token))
	}
	nc, err := net.Dial(resp.Network, resp.Address)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { nc.Close() })
	if token == nil {
		token = resp.Token
	}
	if _, err := nc.Write(token); err != nil {
		t.Fatal(err)
	}
	nc.SetDeadline(time.Now().Add(10 * time.Second))
	return nc, bufio.NewReader(nc)
}

// roundTrip sends req and returns the reply's code and payload.
func roundTrip(t *testing.T, nc net.Conn, r *bufio.Reader, req proto.Message) (byte, []byte, error) {
	t.Helper()
	out, err := frame.Append(nil, 0, req, wire.MaxMessageBytes)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := nc.Write(out); err != nil {
		return 0, nil, err
	}
	payload, code, err := frame.Read(r, nil, wire.MaxMessageBytes)
	return code, payload, err
}

func TestChannelCarriesCalls(t *testing.T) {
	ch, h := toyChannels(t, 4)
	nc, r := dial(t, ch, wire.MethodEnvStep, nil)
	for step := range 3 {
		code, payload, err := roundTrip(t, nc, r, &arenav1.EnvStepRequest{Handle: h, Actions: []float64{0, 1, 0, 1}})
		if err != nil || code != 0 {
			t.Fatalf("step %d: code %d, %v (%s)", step, code, err, payload)
		}
		var resp arenav1.EnvStepResponse
		if err := proto.Unmarshal(payload, &resp); err != nil {
			t.Fatal(err)
		}
		if len(resp.Obs) != 4*2 || len(resp.Rewards) != 4 {
			t.Fatalf("step %d: %d observation values and %d rewards for 4 copies", step, len(resp.Obs), len(resp.Rewards))
		}
	}
	// A component's error ends that call only: the reply carries its code
	// and message, and the next call on the channel works.
	code, payload, err := roundTrip(t, nc, r, &arenav1.EnvStepRequest{Handle: h, Actions: []float64{0}})
	if err != nil || codes.Code(code) != codes.InvalidArgument || !strings.Contains(string(payload), "want 4 copies") {
		t.Fatalf("short action batch: code %d %q, %v", code, payload, err)
	}
	code, payload, err = roundTrip(t, nc, r, &arenav1.EnvStepRequest{Handle: h + 100, Actions: []float64{0}})
	if err != nil || codes.Code(code) != codes.NotFound {
		t.Fatalf("unknown handle: code %d %q, %v", code, payload, err)
	}
	if code, _, err := roundTrip(t, nc, r, &arenav1.EnvStepRequest{Handle: h, Actions: []float64{1, 1, 1, 1}}); err != nil || code != 0 {
		t.Fatalf("step after errors: code %d, %v", code, err)
	}
}

func TestChannelRefusesStrangers(t *testing.T) {
	ch, h := toyChannels(t, 1)
	if _, err := ch.OpenChannel(context.Background(), &arenav1.ChannelRequest{Method: "/arena.v1.Env/Render"}); status.Code(err) != codes.NotFound {
		t.Errorf("channel for Render: %v, want NotFound", err)
	}
	req := &arenav1.EnvStepRequest{Handle: h, Actions: []float64{0}}

	wrong := make([]byte, frame.TokenBytes)
	nc, r := dial(t, ch, wire.MethodEnvStep, wrong)
	if _, _, err := roundTrip(t, nc, r, req); err == nil {
		t.Error("a connection with a wrong token was answered")
	}

	// A token admits one connection only.
	resp, err := ch.OpenChannel(context.Background(), &arenav1.ChannelRequest{Method: wire.MethodEnvStep})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		nc, err := net.Dial(resp.Network, resp.Address)
		if err != nil {
			t.Fatal(err)
		}
		defer nc.Close()
		nc.SetDeadline(time.Now().Add(10 * time.Second))
		nc.Write(resp.Token)
		_, _, err = roundTrip(t, nc, bufio.NewReader(nc), req)
		if (err == nil) != (i == 0) {
			t.Errorf("connection %d with the same token: error %v", i+1, err)
		}
	}

	// A frame over the size limit ends the connection, unread.
	nc, r = dial(t, ch, wire.MethodEnvStep, nil)
	nc.Write([]byte{0xff, 0xff, 0xff, 0x7f, 0})
	if _, _, err := frame.Read(r, nil, wire.MaxMessageBytes); err == nil {
		t.Error("a frame of 2 GiB was answered")
	}
}

func TestChannelRecoversPanics(t *testing.T) {
	calls := 0
	f := lane(func(_ context.Context, req *arenav1.EnvStepRequest) (*arenav1.EnvStepResponse, error) {
		calls++
		if calls == 1 {
			panic("simulated bug")
		}
		return &arenav1.EnvStepResponse{Rewards: []float64{1}}, nil
	})
	payload, err := proto.Marshal(&arenav1.EnvStepRequest{Handle: 1})
	if err != nil {
		t.Fatal(err)
	}
	stderr := Stderr
	Stderr = &strings.Builder{}
	defer func() { Stderr = stderr }()
	reply := answer(context.Background(), wire.MethodEnvStep, f, payload, nil)
	got, code, err := frame.Read(bufio.NewReader(strings.NewReader(string(reply))), nil, wire.MaxMessageBytes)
	if err != nil || codes.Code(code) != codes.Internal || !strings.Contains(string(got), "simulated bug") {
		t.Fatalf("panicking call replied code %d %q, %v", code, got, err)
	}
	reply = answer(context.Background(), wire.MethodEnvStep, f, payload, nil)
	if _, code, err := frame.Read(bufio.NewReader(strings.NewReader(string(reply))), nil, wire.MaxMessageBytes); err != nil || code != 0 {
		t.Fatalf("call after the panic: code %d, %v", code, err)
	}
}
