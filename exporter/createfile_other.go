//go:build !linux

package exporter

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
