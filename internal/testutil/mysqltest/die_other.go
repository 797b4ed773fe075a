//go:build !linux

package mysqltest

import "os/exec"

// dieWithParent has no portable equivalent outside Linux; Stop ends the
// server.
func dieWithParent(*exec.Cmd) {}
