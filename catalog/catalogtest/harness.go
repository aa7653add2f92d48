// Package catalogtest runs the Backstage catalog harness
// (shared/backstage-harness) from tests, so that generated entities are
// judged by the real catalog.
package catalogtest

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// EnvHarness names the environment variable that points at run.sh.
const EnvHarness = "PATHWAYSYNC_HARNESS"

// Report is the part of the harness's JSON report tests look at.
type Report struct {
	OK       bool     `json:"ok"`
	Settled  bool     `json:"settled"`
	Accepted []string `json:"accepted"`
	Errors   []struct {
		Type     string `json:"type"`
		Entity   string `json:"entity"`
		Location string `json:"location"`
		Message  string `json:"message"`
	} `json:"errors"`
	Files []FileVerdict `json:"files"`
}

// FileVerdict is the catalog's verdict on one file.
type FileVerdict struct {
	File     string   `json:"file"`
	Accepted []string `json:"accepted"`
	Errors   []string `json:"errors"`
}

// FindHarness returns the path of run.sh: $PATHWAYSYNC_HARNESS, or
// shared/backstage-harness/run.sh in the working directory or any parent
// (the repository's sibling shared/ folder is found that way).
func FindHarness() (string, error) {
	if p := os.Getenv(EnvHarness); p != "" {
		if _, err := os.Stat(p); err != nil {
			return "", err
		}
		return p, nil
	}
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		p := filepath.Join(dir, "shared", "backstage-harness", "run.sh")
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("shared/backstage-harness/run.sh not found above the working directory; set " + EnvHarness)
		}
		dir = parent
	}
}

// Harness finds the harness or ends the test: skipped under -short,
// failed otherwise.
func Harness(t testing.TB) string {
	t.Helper()
	p, err := FindHarness()
	if err != nil {
		if testing.Short() {
			t.Skipf("catalog harness: %v", err)
		}
		t.Fatalf("catalog harness: %v", err)
	}
	return p
}

// Run runs the harness on dir with extra arguments and decodes its report;
// exit code 1 (catalog errors) is not a failure, anything else is.
func Run(t testing.TB, harness, dir string, args ...string) *Report {
	t.Helper()
	cmd := exec.Command(harness, append(append([]string{"--compact"}, args...), dir)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	if err != nil && !(errors.As(err, &exit) && exit.ExitCode() == 1) {
		t.Fatalf("harness %s: %v\nstderr:\n%s\nstdout:\n%s", dir, err, tail(stderr.Bytes()), tail(stdout.Bytes()))
	}
	var r Report
	if err := json.Unmarshal(stdout.Bytes(), &r); err != nil {
		t.Fatalf("harness report: %v\n%s", err, tail(stdout.Bytes()))
	}
	if !r.Settled {
		t.Fatalf("harness did not settle: %s", tail(stdout.Bytes()))
	}
	return &r
}

func tail(b []byte) []byte {
	if len(b) > 4000 {
		return b[len(b)-4000:]
	}
	return b
}
