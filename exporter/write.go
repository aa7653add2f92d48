package exporter

import (
	"context"
	"errors"
	"fmt"

	"github.com/pathwaysync/pathwaysync/internal/workpool"
	"github.com/pathwaysync/pathwaysync/manifest"
)

// ErrNotOurs is returned by Write and Export for a non-empty folder without
// a pathwaysync manifest (unless WriteOptions.Force).
var ErrNotOurs = errors.New("folder is not empty and has no " + manifest.FileName)

// WriteOptions tune Write and Export.
type WriteOptions struct {
	// Force replaces a non-empty folder that lacks a pathwaysync manifest;
	// the files that go with it are named in Summary.Foreign.
	Force bool
}

// WriteStats counts what Write wrote.
type WriteStats struct {
	Files int
	Bytes int64
	// Foreign are as Summary.Foreign.
	Foreign []string
}

// Write puts res into dir atomically: the tree is built in a sibling
// temporary folder and swapped in by rename, so dir ends up holding exactly
// res.Files (files of an earlier tree that res no longer has vanish) or, on
// any error, is left untouched. It refuses a non-empty dir without a
// pathwaysync manifest unless o.Force (then the whole folder is replaced),
// naming in WriteStats.Foreign the files it did not write that went with
// it, and rejects file paths that are absolute, contain "..", or would escape
// dir. The swap is not durable across a power cut (no fsync).
func Write(ctx context.Context, dir string, res *Result, o WriteOptions) (WriteStats, error) {
	var st WriteStats
	if dir == "" {
		return st, errors.New("write: empty folder name")
	}
	if err := checkPaths(res); err != nil {
		return st, fmt.Errorf("write: %w", err)
	}
	s, err := openStage(dir, o)
	if err != nil {
		return st, err
	}
	if err := writeFiles(ctx, s, res.Files); err != nil {
		s.abort()
		return WriteStats{}, fmt.Errorf("write %s: %w", s.dir, err)
	}
	if err := s.commit(); err != nil {
		return WriteStats{}, err
	}
	st.Foreign = s.foreign
	for _, f := range res.Files {
		st.Files++
		st.Bytes += int64(len(f.Data))
	}
	return st, nil
}

// checkPaths rejects paths that could leave the tree, duplicates, and a
// result without a manifest.
func checkPaths(res *Result) error {
	if res == nil {
		return errors.New("nil result")
	}
	seen := make(map[string]bool, len(res.Files))
	hasManifest := false
	for _, f := range res.Files {
		p := f.Path
		if err := checkPath(p); err != nil {
			return err
		}
		if seen[p] {
			return fmt.Errorf("duplicate file path %q", p)
		}
		seen[p] = true
		hasManifest = hasManifest || p == manifest.FileName
	}
	if !hasManifest {
		return fmt.Errorf("result has no %s", manifest.FileName)
	}
	return nil
}

// writeFiles writes files into the stage from a few workers, stopping at
// the first error or when ctx is done.
func writeFiles(ctx context.Context, s *stage, files []File) error {
	errs := make([]error, len(files))
	workpool.ForEach(ctx, len(files), writeWorkers(), func(i int) bool {
		errs[i] = s.Put(files[i], nil)
		return errs[i] == nil
	})
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return ctx.Err()
}
