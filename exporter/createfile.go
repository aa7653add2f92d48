package exporter

import (
	"io"
	"os"
)

// createWriter creates the new file name for writing; an existing file is
// an error.
func createWriter(name string) (io.WriteCloser, error) {
	return os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
}
