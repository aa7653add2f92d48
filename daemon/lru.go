package daemon

import "container/list"

// lru is a bounded set of recently seen strings (webhook delivery ids);
// it is not safe for concurrent use.
type lru struct {
	max   int
	order *list.List
	items map[string]*list.Element
}

func newLRU(max int) *lru {
	return &lru{max: max, order: list.New(), items: make(map[string]*list.Element, max)}
}

// Add records key and reports whether it was already present.
func (l *lru) Add(key string) (seen bool) {
	if e, ok := l.items[key]; ok {
		l.order.MoveToFront(e)
		return true
	}
	l.items[key] = l.order.PushFront(key)
	if l.order.Len() > l.max {
		old := l.order.Back()
		l.order.Remove(old)
		delete(l.items, old.Value.(string))
	}
	return false
}
