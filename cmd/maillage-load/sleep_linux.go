package main

import (
	"syscall"
	"time"
)

// sleepShort sleeps for d (at most a few milliseconds) on the kernel's
// high-resolution timer. The Go runtime's timers wake up to 1 ms late when
// the process is idle (it waits in epoll, whose timeout is in whole
// milliseconds), and that lateness would count as the server's latency:
// measured here, 1,500 sleeps/s were 550 µs late on average with
// time.Sleep, 114 µs with this, for about 45 µs of CPU per sleep. The
// thread blocks; the runtime lends its P to other goroutines.
func sleepShort(d time.Duration) {
	ts := syscall.NsecToTimespec(int64(d))
	for syscall.Nanosleep(&ts, &ts) == syscall.EINTR {
	}
}
