package exporter

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"
)

// parallel calls f(0..n-1) on GOMAXPROCS goroutines.
func parallel(n int, f func(i int)) {
	forEach(context.Background(), n, runtime.GOMAXPROCS(0), func(i int) bool { f(i); return true })
}

// forEach calls f(0..n-1) on up to workers goroutines, handing out indexes
// in increasing order, and stops handing them out once f returns false or
// ctx is done.
func forEach(ctx context.Context, n, workers int, f func(i int) bool) {
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

// writeWorkers is how many goroutines write a tree: file creation mostly
// waits on the kernel, so a few more than the CPUs keep them busy.
func writeWorkers() int { return max(4, runtime.GOMAXPROCS(0)) }
