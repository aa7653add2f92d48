package exporter

import (
	"io"
	"os"
)

// createFile writes data to a new file name; an existing file is an error.
func createFile(name string, data []byte) error {
	f, err := createWriter(name)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// createWriter creates the new file name for writing; an existing file is
// an error.
func createWriter(name string) (io.WriteCloser, error) {
	return os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
}
