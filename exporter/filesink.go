package exporter

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"sync"

	"github.com/pathwaysync/pathwaysync/catalog"
	"github.com/pathwaysync/pathwaysync/pathway"
)

// Files renders the tree of pathways as Emit does and returns only its
// files, by slash path, each exactly sized: what a sync compares and
// publishes. Unlike Render it keeps no entity, pathway or parsed manifest,
// so once it returns the pathways are the caller's only copy of the
// model and the files the only copy of the tree. Nothing is returned on
// error.
func Files(ctx context.Context, pathways []pathway.Pathway, o Options) (map[string][]byte, Summary, error) {
	s := &fileSink{files: make(map[string][]byte, 11*len(pathways))}
	sum, err := Emit(ctx, pathways, o, s)
	if err != nil {
		return nil, Summary{}, err
	}
	return s.files, sum, nil
}

// fileSink is Files' sink: path → data.
type fileSink struct {
	mu    sync.Mutex
	files map[string][]byte
}

func (s *fileSink) Put(f File, _ *catalog.Entity) error {
	if err := checkPath(f.Path); err != nil {
		return err
	}
	data := f.Data
	if cap(data)-len(data) > len(data)/8 {
		data = bytes.Clone(data) // exact size: the tree holds many
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.files[f.Path]; ok {
		return fmt.Errorf("%s: %w", f.Path, fs.ErrExist)
	}
	s.files[f.Path] = data
	return nil
}

func (s *fileSink) PutStream(path string, write func(w io.Writer) error) (int64, error) {
	var b bytes.Buffer
	if err := write(&b); err != nil {
		return 0, err
	}
	data := bytes.Clone(b.Bytes())
	return int64(len(data)), s.Put(File{Path: path, Data: data}, nil)
}

func (s *fileSink) String() string { return "(memory)" }
