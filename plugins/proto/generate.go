// Package proto holds arena's plugin wire protocol: arena/v1/arena.proto and
// the Go code generated from it (package arenav1).
//
// Regenerate after editing the .proto file (see plugins/README.md for the
// tools):
//
//	go generate ./plugins/...
package proto

//go:generate protoc --proto_path=. --go_out=. --go_opt=paths=source_relative --go-grpc_out=. --go-grpc_opt=paths=source_relative arena/v1/arena.proto
