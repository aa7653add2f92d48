package main

import (
	"fmt"
	"io"
	"sync"
	"time"
)

// progress shows the current phase of a long run on a terminal: nothing
// for runs under a second, nothing at all when w is not a terminal.
type progress struct {
	w     io.Writer
	start time.Time

	mu      sync.Mutex
	name    string
	shown   bool
	stopped bool
	done    chan struct{}
	once    sync.Once
}

func newProgress(w io.Writer) *progress {
	p := &progress{w: w, start: time.Now(), done: make(chan struct{})}
	if !isTerminal(w) {
		close(p.done)
		return p
	}
	go p.loop()
	return p
}

func (p *progress) loop() {
	t := time.NewTicker(250 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-p.done:
			return
		case <-t.C:
			if time.Since(p.start) < time.Second {
				continue
			}
			p.mu.Lock()
			if p.stopped {
				p.mu.Unlock()
				return
			}
			fmt.Fprintf(p.w, "\r\033[K%s… %s", p.name, time.Since(p.start).Round(100*time.Millisecond))
			p.shown = true
			p.mu.Unlock()
		}
	}
}

// phase names what the run is doing now.
func (p *progress) phase(name string) {
	p.mu.Lock()
	p.name = name
	p.mu.Unlock()
}

// stop ends the display and clears the line; it may be called twice.
func (p *progress) stop() {
	p.once.Do(func() {
		select {
		case <-p.done:
		default:
			close(p.done)
		}
		p.mu.Lock()
		p.stopped = true
		if p.shown {
			fmt.Fprint(p.w, "\r\033[K")
		}
		p.mu.Unlock()
	})
}
