package main

import (
	"fmt"
	"runtime/debug"
	"strconv"
	"strings"
)

// The garbage collector's settings. Go's default (collect each time the
// heap doubles) spent a fifth of a view rebuild collecting; maillaged
// instead collects when the heap has grown fourfold, and never lets it pass
// a soft limit, so memory stays bounded whatever the load (the target is a
// resident set under 1 GiB). GOGC and GOMEMLIMIT, when set, win: they are
// Go's own and an operator may know better.
const (
	gcPercent          = 400
	defaultMemoryLimit = "768MiB"
)

// tuneMemory applies the collector's settings; limit is --memory-limit.
func tuneMemory(limit string, getenv func(string) string) error {
	bytes, err := parseBytes(limit)
	if err != nil {
		return fmt.Errorf("--memory-limit=%q: %w", limit, err)
	}
	if getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(bytes)
	}
	if getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
	return nil
}

// parseBytes reads a size such as 768MiB, 1GiB or 800000000.
func parseBytes(s string) (int64, error) {
	units := []struct {
		suffix string
		factor int64
	}{{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"B", 1}, {"", 1}}
	for _, u := range units {
		digits, ok := strings.CutSuffix(s, u.suffix)
		if !ok {
			continue
		}
		n, err := strconv.ParseInt(digits, 10, 64)
		if err != nil || n <= 0 || n > (1<<62)/u.factor {
			return 0, fmt.Errorf("want a positive size such as 768MiB or 2GiB")
		}
		return n * u.factor, nil
	}
	return 0, fmt.Errorf("want a positive size such as 768MiB or 2GiB")
}
