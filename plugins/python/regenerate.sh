#!/bin/sh
# Regenerates arena_plugin/arena_pb2.py (and its .pyi) from arena.proto after
# the protocol changes. Needs protoc >= 3.20 (Debian: apt-get install
# protobuf-compiler); the gRPC services are registered by hand in server.py,
# so no gRPC code generator is needed.
set -eu
cd "$(dirname "$0")"
protoc --proto_path=../proto/arena/v1 --python_out=arena_plugin --pyi_out=arena_plugin arena.proto
