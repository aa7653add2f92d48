package config_test

import (
	"bytes"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/pathwaysync/pathwaysync/config"
)

// TestWarnReadableSecretFiles: every secret file that its group or other
// users may read is named with its key and mode, never its content; a
// file only its owner reads gets no warning.
func TestWarnReadableSecretFiles(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("mode bits say nothing about readers on Windows")
	}
	dir := t.TempDir()
	write := func(name string, mode os.FileMode) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte("s3cr3t-"+name+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(p, mode); err != nil { // past the umask
			t.Fatal(err)
		}
		return p
	}
	token, webhook, api, key := write("token", 0o644), write("webhook", 0o666), write("api", 0o600), write("key.pem", 0o640)
	c, err := config.Load("", []string{
		"PATHWAYSYNC_GITHUB_TOKEN_FILE=" + token,
		"PATHWAYSYNC_SERVER_WEBHOOK_SECRET_FILE=" + webhook,
		"PATHWAYSYNC_SERVER_API_TOKEN_FILE=" + api,
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	c.GitHub.PrivateKeyFile = key
	var buf bytes.Buffer
	c.WarnReadableSecretFiles(slog.New(slog.NewTextHandler(&buf, nil)))
	out := buf.String()
	for _, want := range []string{
		"key=github.token_file file=" + token + " mode=0644",
		"key=server.webhook_secret_file file=" + webhook + " mode=0666",
		"key=github.private_key_file file=" + key + " mode=0640",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("no warning %q in:\n%s", want, out)
		}
	}
	if strings.Contains(out, "api_token_file") || strings.Contains(out, "s3cr3t") {
		t.Errorf("warned of an owner-only file or showed a secret:\n%s", out)
	}
	if n := strings.Count(out, "level=WARN"); n != 3 {
		t.Errorf("%d warnings, want 3:\n%s", n, out)
	}
}

// TestReadSecretFile: the one *_file reader (Load's and serve's) trims the
// secret and names the key, never the content, when it cannot give one.
func TestReadSecretFile(t *testing.T) {
	dir := t.TempDir()
	for name, body := range map[string]string{"good": "  tok3n\n", "blank": " \n\t"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if v, err := config.ReadSecretFile("github.token_file", filepath.Join(dir, "good")); err != nil || v != "tok3n" {
		t.Errorf("good: %q, %v", v, err)
	}
	for _, name := range []string{"blank", "missing"} {
		_, err := config.ReadSecretFile("server.api_token_file", filepath.Join(dir, name))
		var ce *config.Error
		if !errors.As(err, &ce) || ce.Key != "server.api_token_file" {
			t.Errorf("%s: %v, want a config.Error for server.api_token_file", name, err)
		}
	}
}
