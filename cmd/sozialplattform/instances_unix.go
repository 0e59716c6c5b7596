//go:build unix

package main

import (
	"errors"
	"syscall"
)

// processGone reports whether no process with this ID runs (signal 0
// checks without sending anything; EPERM means it runs as another user).
func processGone(pid int) bool {
	return errors.Is(syscall.Kill(pid, 0), syscall.ESRCH)
}
