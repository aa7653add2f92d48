package exporter

import "runtime"

// writeWorkers is how many goroutines render and write a tree: file
// creation mostly waits on the kernel, so a few more than the CPUs keep
// them busy.
func writeWorkers() int { return max(4, runtime.GOMAXPROCS(0)) }
