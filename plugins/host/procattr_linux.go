package host

import (
	"os/exec"
	"syscall"
)

// setParentDeathSignal asks Linux to kill the plugin if the arena dies
// without cleaning up (SIGKILL, a crash): no orphan plugin processes. The
// SDK's parent watch covers other systems and non-Go plugins' hosts.
func setParentDeathSignal(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
