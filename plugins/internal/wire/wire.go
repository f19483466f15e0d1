// Package wire is what arena's plugin host and its Go SDK share: the
// go-plugin handshake and protocol versions, the names of the calls a
// channel carries, and the conversions between framework values and the
// arena.v1 wire types. Plugin authors never need it; the SDK does it for
// them.
package wire

import (
	"context"
	"fmt"

	"github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"
)

// Handshake is arena's fixed go-plugin handshake. The magic cookie never
// changes: it only tells a plugin binary that it was started by arena, not
// by a user at a shell. ProtocolVersion is the go-plugin application
// protocol, the major version of arena.v1.
var Handshake = plugin.HandshakeConfig{
	ProtocolVersion:  ProtocolMajor,
	MagicCookieKey:   "ARENA_PLUGIN",
	MagicCookieValue: "b3f1c4e2-arena-distillation-plugin-7a9d",
}

const (
	// ProtocolMajor is the arena.v1 protocol's major version, negotiated by
	// go-plugin (VersionedPlugins).
	ProtocolMajor = 1
	// ProtocolMinor is the minor version of arena.v1 this SDK speaks,
	// reported by Describe; additions that old hosts can ignore bump it.
	// Minor 1 added Plugin.OpenChannel, minor 2 Student.TrainBatches,
	// minor 3 EnvSpec.render_fps; minor 4 removed the streaming calls,
	// which hosts of minor 1 to 3 skip when a plugin lacks them; minor 5
	// added SaveRequest.portable.
	ProtocolMinor = 5
	// PluginName is the one go-plugin plugin every arena plugin serves.
	PluginName = "arena"
	// MaxMessageBytes is the gRPC message limit on both sides (gRPC's
	// default of 4 MiB is too small for big checkpoints and batches).
	MaxMessageBytes = 256 << 20
	// DebugEnv, set to 1 in a plugin's environment, runs it in debug mode:
	// it serves without a host and prints the ReattachEnv line to give one.
	DebugEnv = "ARENA_PLUGIN_DEBUG"
	// ReattachEnv is the host's environment variable naming running debug
	// plugins: a JSON object from plugin name to ReattachConfig.
	ReattachEnv = "ARENA_REATTACH_PLUGINS"
)

// GRPCPlugin is the go-plugin plugin behind every arena plugin: on the
// plugin side it registers the arena.v1 services; on the host side it
// hands back the connection, which the host wraps in typed clients.
type GRPCPlugin struct {
	plugin.NetRPCUnsupportedPlugin
	// Register adds the services to a plugin's gRPC server; nil on the
	// host side.
	Register func(*grpc.Server)
}

// GRPCServer implements plugin.GRPCPlugin.
func (p *GRPCPlugin) GRPCServer(_ *plugin.GRPCBroker, s *grpc.Server) error {
	if p.Register == nil {
		return fmt.Errorf("arena plugin has no server")
	}
	p.Register(s)
	return nil
}

// GRPCClient implements plugin.GRPCPlugin.
func (p *GRPCPlugin) GRPCClient(_ context.Context, _ *plugin.GRPCBroker, c *grpc.ClientConn) (any, error) {
	return c, nil
}

// HostPlugins is the plugin set a host passes to go-plugin's
// ClientConfig.VersionedPlugins.
func HostPlugins() map[int]plugin.PluginSet {
	return map[int]plugin.PluginSet{ProtocolMajor: {PluginName: &GRPCPlugin{}}}
}

// ReattachConfig is the JSON form of go-plugin's reattach information, as
// printed by a plugin in debug mode and read from ReattachEnv by the host.
type ReattachConfig struct {
	Protocol        string `json:"protocol"`
	ProtocolVersion int    `json:"protocol_version"`
	Pid             int    `json:"pid"`
	Network         string `json:"network"`
	Address         string `json:"address"`
}

// Channel method names: the unary calls a channel may carry.
const (
	MethodEnvStep      = "/arena.v1.Env/Step"
	MethodTeacherAct   = "/arena.v1.Teacher/Act"
	MethodTeacherLabel = "/arena.v1.Teacher/Label"
	MethodStudentAct   = "/arena.v1.Student/Act"
	MethodStudentTrain = "/arena.v1.Student/Train"
	// MethodStudentTrainBatches is minor 2's TrainBatches.
	MethodStudentTrainBatches = "/arena.v1.Student/TrainBatches"
)
