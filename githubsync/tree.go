package githubsync

import (
	"context"
	"fmt"
	"io/fs"
	"maps"
	"slices"
)

// Tree is a generated tree to publish, its files read on request: a
// Publish reads each file once to hash it and again only to send it, so
// the caller may hold the files compressed or on disk. A map of files is
// one (Publish).
type Tree interface {
	// Paths returns every file's slash path, relative to Options.Path.
	Paths() []string
	// ReadFile returns the content of path; it may be called more than
	// once, from one goroutine at a time, and must give the same bytes.
	ReadFile(path string) ([]byte, error)
}

// PublishTree is Publish of a Tree.
func (p *Publisher) PublishTree(ctx context.Context, t Tree) (*Result, error) {
	return p.publish(ctx, t)
}

// mapTree is a Tree over files in memory.
type mapTree map[string][]byte

func (m mapTree) Paths() []string { return slices.Collect(maps.Keys(m)) }

func (m mapTree) ReadFile(path string) ([]byte, error) {
	data, ok := m[path]
	if !ok {
		return nil, fmt.Errorf("%s: %w", path, fs.ErrNotExist)
	}
	return data, nil
}

// file returns the content of the desired file path, nil when it cannot
// be read (the tree changed under the sync, or a read failed).
func (d *desired) file(path string) []byte {
	data, err := d.files.ReadFile(path)
	if err != nil {
		return nil
	}
	return data
}

// read returns the content of the desired file path, checked against the
// blob SHA it was hashed to.
func (d *desired) read(path string) ([]byte, error) {
	data, err := d.files.ReadFile(path)
	if err != nil {
		return nil, &Error{Op: "publish", Err: fmt.Errorf("read %s: %w", path, err)}
	}
	if blobSHA(data) != d.blobs[path] {
		return nil, &Error{Op: "publish", Err: fmt.Errorf("%w: %s changed during the sync", ErrInvalidTree, path)}
	}
	return data, nil
}
