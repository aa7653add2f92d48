// Command ghemu runs the GitHub emulator as its own process, so that a
// benchmark can measure the peak memory of the pathwaysync binary without
// the emulator's repository in the same heap.
//
//	ghemu -repo acme/catalog -token T [-create-tree-limit 2500000]
//
// It prints the API URL on the first line of stdout and serves until
// stdin closes or it is interrupted.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/pathwaysync/pathwaysync/internal/ghemu"
)

func main() {
	repo := flag.String("repo", "acme/catalog", "repository to create, owner/name")
	branch := flag.String("branch", "main", "its default branch, with one commit holding README.md")
	token := flag.String("token", "", "token with write access (required)")
	treeLimit := flag.Int("create-tree-limit", ghemu.GitHubCreateTreeBytes, "refuse POST git/trees bodies over this many bytes with 422 (0: no limit)")
	flag.Parse()
	if *token == "" {
		fmt.Fprintln(os.Stderr, "ghemu: -token is required")
		os.Exit(2)
	}
	e := ghemu.New()
	defer e.Close()
	e.AddToken(*token, true)
	e.CreateRepo(*repo, *branch)
	if _, err := e.Commit(*repo, *branch, map[string][]byte{"README.md": []byte("# catalog\n")}, "Initial commit\n"); err != nil {
		fmt.Fprintln(os.Stderr, "ghemu:", err)
		os.Exit(1)
	}
	if *treeLimit > 0 {
		e.SetCreateTreeLimit(*treeLimit, 422)
	}
	fmt.Println(e.URL())

	done := make(chan struct{})
	go func() { _, _ = io.Copy(io.Discard, os.Stdin); close(done) }()
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	select {
	case <-done:
	case <-sig:
	}
}
