package workpool

import (
	"context"
	"sync/atomic"
	"testing"
)

func TestEachVisitsEveryIndexOnce(t *testing.T) {
	for _, n := range []int{0, 1, 7, 1000} {
		seen := make([]atomic.Int32, n)
		Each(n, func(i int) { seen[i].Add(1) })
		for i := range seen {
			if got := seen[i].Load(); got != 1 {
				t.Fatalf("n=%d: index %d visited %d times", n, i, got)
			}
		}
	}
}

func TestForEachStopsHandingOutWork(t *testing.T) {
	var calls atomic.Int32
	ForEach(context.Background(), 1000, 1, func(i int) bool { calls.Add(1); return i < 9 })
	if got := calls.Load(); got != 10 {
		t.Fatalf("one worker stopping at index 9 made %d calls, want 10", got)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	calls.Store(0)
	ForEach(ctx, 1000, 1, func(int) bool { calls.Add(1); return true })
	if got := calls.Load(); got != 1 {
		t.Fatalf("cancelled context made %d calls, want 1 (checked every 64 items from the first)", got)
	}
}
