package kv

import "container/list"

// Cache keeps at most max decoded values, dropping the least recently
// used; it is not safe for concurrent use (its owner locks).
type Cache[V any] struct {
	max   int
	order *list.List // front: most recent
	byKey map[string]*list.Element
}

type cached[V any] struct {
	key string
	v   V
}

// NewCache returns a cache of at most size values (at least 1).
func NewCache[V any](size int) *Cache[V] {
	return &Cache[V]{max: max(size, 1), order: list.New(), byKey: map[string]*list.Element{}}
}

// Get returns key's value and marks it used.
func (c *Cache[V]) Get(key string) (V, bool) {
	e, ok := c.byKey[key]
	if !ok {
		var zero V
		return zero, false
	}
	c.order.MoveToFront(e)
	return e.Value.(*cached[V]).v, true
}

// Put sets key's value, dropping the least recently used past max.
func (c *Cache[V]) Put(key string, v V) {
	if e, ok := c.byKey[key]; ok {
		e.Value.(*cached[V]).v = v
		c.order.MoveToFront(e)
		return
	}
	c.byKey[key] = c.order.PushFront(&cached[V]{key: key, v: v})
	for c.order.Len() > c.max {
		last := c.order.Back()
		c.order.Remove(last)
		delete(c.byKey, last.Value.(*cached[V]).key)
	}
}

// Len is the number of values cached.
func (c *Cache[V]) Len() int { return c.order.Len() }
