package source

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// extensions are the file types a folder walk picks up.
var extensions = map[string]bool{
	".txt": true, ".text": true,
	".html": true, ".htm": true,
	".yaml": true, ".yml": true,
}

// IsPathwayFile reports whether a file name has an extension a folder walk
// picks up (.txt .text .html .htm .yaml .yml, any case) and is not hidden.
func IsPathwayFile(name string) bool {
	base := filepath.Base(name)
	return !strings.HasPrefix(base, ".") && extensions[strings.ToLower(filepath.Ext(base))]
}

// listFiles returns the files a path spec names: the file itself, or the
// pathway files under a folder walked recursively in lexical order, skipping
// hidden files and folders. Names keep the spec's form (relative stays
// relative). A symbolic link to a file outside the folder is an
// ErrSymlinkOutside naming the link unless follow is true.
func listFiles(spec string, follow bool) ([]string, error) {
	fi, err := os.Stat(spec)
	if err != nil {
		return nil, fmt.Errorf("read source: %w", err)
	}
	if !fi.IsDir() {
		return []string{spec}, nil
	}
	var files []string
	var outside []error
	err = filepath.WalkDir(spec, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p == spec {
			return nil
		}
		if strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.IsDir() || !IsPathwayFile(p) {
			return nil
		}
		if d.Type()&fs.ModeSymlink != 0 && !follow {
			if err := linkWithin(spec, p); err != nil {
				outside = append(outside, err)
				return nil
			}
		}
		files = append(files, p)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read source: %w", err)
	}
	if len(outside) > 0 {
		return nil, errors.Join(outside...)
	}
	return files, nil
}

// linkWithin checks that the symbolic link at p, found under folder,
// resolves to a file inside folder (both resolved). The error names the
// link and the folder, never the target's content.
func linkWithin(folder, p string) error {
	root, err := filepath.EvalSymlinks(folder)
	if err != nil {
		return fmt.Errorf("read source: %w", err)
	}
	target, err := filepath.EvalSymlinks(p)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err // the path may be the target's
		}
		return fmt.Errorf("read source %s: symbolic link cannot be resolved: %w", p, err)
	}
	if fi, err := os.Stat(target); err == nil && fi.IsDir() {
		return nil // refused as a folder when read
	}
	rel, err := filepath.Rel(root, target)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) || filepath.IsAbs(rel) {
		return fmt.Errorf("read source %s: %w %s (not followed)", p, ErrSymlinkOutside, folder)
	}
	return nil
}

// readFile reads one file, refusing folders, devices and anything larger
// than max bytes; the limit is enforced while reading.
func readFile(name string, max int64) ([]byte, error) {
	fi, err := os.Stat(name)
	if err != nil {
		return nil, fmt.Errorf("read source: %w", err)
	}
	if fi.IsDir() {
		return nil, fmt.Errorf("read source %s: is a directory", name)
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("read source %s: not a regular file", name)
	}
	if fi.Size() > max {
		return nil, tooLarge(name, max)
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, fmt.Errorf("read source: %w", err)
	}
	defer f.Close()
	// Sized from the stat, so a file that did not change is read in one
	// call (and one more that sees the end).
	data, err := readAtMost(f, fi.Size(), max)
	if errors.Is(err, ErrTooLarge) {
		return nil, tooLarge(name, max)
	}
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			return nil, fmt.Errorf("read source: %w", err)
		}
		return nil, fmt.Errorf("read source %s: %w", name, err)
	}
	return data, nil
}

// readAtMost reads r to its end into a buffer sized for size bytes; more
// than max bytes is ErrTooLarge.
func readAtMost(r io.Reader, size, max int64) ([]byte, error) {
	data := make([]byte, 0, min(size, max)+1)
	for {
		if len(data) == cap(data) {
			data = append(data, 0)[:len(data)]
		}
		n, err := r.Read(data[len(data):cap(data)])
		data = data[:len(data)+n]
		if int64(len(data)) > max {
			return nil, ErrTooLarge
		}
		if err == io.EOF {
			return data, nil
		}
		if err != nil {
			return nil, err
		}
	}
}

// tooLarge names the document and the limit it exceeds.
func tooLarge(name string, max int64) error {
	return fmt.Errorf("read source %s: %w of %d bytes", name, ErrTooLarge, max)
}
