// Command pathwaysync exports learning pathways as Backstage catalog
// entities and TechDocs, publishes them to GitHub through one pull request,
// and keeps them in sync as a daemon.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
