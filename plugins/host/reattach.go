package host

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"hash"
	"net"

	"github.com/hashicorp/go-plugin"
	"github.com/smgrnn/arena/plugins/internal/wire"
)

// reattachConfig wraps the SDK's JSON form with its conversion.
type reattachConfig struct{ wire.ReattachConfig }

func parseReattach(s string) (map[string]reattachConfig, error) {
	var m map[string]wire.ReattachConfig
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		return nil, fmt.Errorf("not a JSON object of plugin names to reattach configs: %w", err)
	}
	out := make(map[string]reattachConfig, len(m))
	for k, v := range m {
		out[k] = reattachConfig{v}
	}
	return out, nil
}

// toPlugin converts to go-plugin's form. Debug plugins run in go-plugin's
// test mode, so Kill only disconnects and the user's process lives on.
func (r reattachConfig) toPlugin() (*plugin.ReattachConfig, error) {
	var addr net.Addr
	var err error
	switch r.Network {
	case "unix":
		addr, err = net.ResolveUnixAddr("unix", r.Address)
	case "tcp":
		addr, err = net.ResolveTCPAddr("tcp", r.Address)
	default:
		return nil, fmt.Errorf("unknown network %q", r.Network)
	}
	if err != nil {
		return nil, err
	}
	proto := plugin.Protocol(r.Protocol)
	if proto == "" {
		proto = plugin.ProtocolGRPC
	}
	return &plugin.ReattachConfig{Protocol: proto, ProtocolVersion: r.ProtocolVersion, Addr: addr, Pid: r.Pid, Test: true}, nil
}

func newSHA256() hash.Hash { return sha256.New() }
