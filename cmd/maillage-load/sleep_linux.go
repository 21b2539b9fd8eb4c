package main

import (
	"syscall"
	"time"
)

// sleepShort sleeps for d (under a few milliseconds) with the kernel's
// high-resolution timer. The Go runtime's timers may wake up to 1 ms late
// when the process is idle (it waits in epoll, whose timeout is in whole
// milliseconds), and that lateness would count as the server's latency.
// The thread blocks, not the process; the runtime lends its P elsewhere.
func sleepShort(d time.Duration) {
	ts := syscall.NsecToTimespec(int64(d))
	for syscall.Nanosleep(&ts, &ts) == syscall.EINTR {
	}
}
