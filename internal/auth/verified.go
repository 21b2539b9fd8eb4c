package auth

import (
	"sync"
	"time"
)

// verifiedTTL bounds how long a verified token is trusted without checking
// its signature again: a client sends the same token on every call for
// hours, and an Ed25519 verification plus the claims' JSON cost more than
// the rest of a command's authentication. A key removed from the key
// source stops being trusted within this delay.
const verifiedTTL = time.Minute

// maxVerified bounds the cache; past it, it starts again empty.
const maxVerified = 10_000

// verifiedTokens remembers tokens whose signature and claims checked out.
type verifiedTokens struct {
	mu sync.Mutex
	m  map[string]verifiedToken
}

type verifiedToken struct {
	principal Principal
	until     time.Time // the earlier of the token's expiry and verifiedTTL
}

func (c *verifiedTokens) get(token string, now time.Time) (Principal, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[token]
	if !ok || !now.Before(e.until) {
		return Principal{}, false
	}
	return e.principal, true
}

func (c *verifiedTokens) put(token string, p Principal, expires, now time.Time) {
	until := now.Add(verifiedTTL)
	if expires.Before(until) {
		until = expires
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= maxVerified {
		c.m = make(map[string]verifiedToken)
	}
	c.m[token] = verifiedToken{principal: p, until: until}
}
