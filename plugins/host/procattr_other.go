//go:build !linux

package host

import "os/exec"

// setParentDeathSignal does nothing off Linux; plugins built with the SDK
// watch their parent instead.
func setParentDeathSignal(*exec.Cmd) {}
