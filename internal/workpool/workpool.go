// Package workpool runs an indexed loop on a few goroutines. It is the one
// worker pool of the module: the exporter, the source loader and the import
// command hand it their per-item work.
package workpool

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"
)

// Each calls f(0..n-1) on GOMAXPROCS goroutines and returns when every call
// has returned.
func Each(n int, f func(i int)) {
	ForEach(context.Background(), n, runtime.GOMAXPROCS(0), func(i int) bool { f(i); return true })
}

// ForEach calls f(0..n-1) on up to workers goroutines, handing out indexes
// in increasing order, and stops handing them out once f returns false or
// ctx is done. It returns when every call it started has returned.
func ForEach(ctx context.Context, n, workers int, f func(i int) bool) {
	workers = min(workers, n)
	var next atomic.Int64
	var stop atomic.Bool
	work := func() {
		for !stop.Load() {
			i := int(next.Add(1)) - 1
			if i >= n {
				return
			}
			if !f(i) || (i%64 == 0 && ctx.Err() != nil) {
				stop.Store(true)
			}
		}
	}
	if workers <= 1 {
		work()
		return
	}
	var wg sync.WaitGroup
	for range workers {
		wg.Go(work)
	}
	wg.Wait()
}
