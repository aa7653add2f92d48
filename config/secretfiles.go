package config

import (
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"runtime"
)

// SecretFile is a configured file holding a secret that others than its
// owner may read.
type SecretFile struct {
	Key  string      // the configuration key naming the file, e.g. "github.token_file"
	Path string      // the file as configured
	Mode fs.FileMode // its permission bits
}

// ReadableSecretFiles returns the configured secret files (github.token_file,
// github.private_key_file, server.webhook_secret_file, server.api_token_file)
// that their group or other users may read. Files that cannot be stat'ed
// are left out (reading them reports that); so is everything on Windows,
// where the mode bits say nothing about who may read.
func (c *Config) ReadableSecretFiles() []SecretFile {
	if runtime.GOOS == "windows" {
		return nil
	}
	var out []SecretFile
	for _, s := range []struct{ key, path string }{
		{"github.token_file", c.GitHub.TokenFile},
		{"github.private_key_file", c.GitHub.PrivateKeyFile},
		{"server.webhook_secret_file", c.Server.WebhookSecretFile},
		{"server.api_token_file", c.Server.APITokenFile},
	} {
		if s.path == "" {
			continue
		}
		fi, err := os.Stat(s.path)
		if err != nil || fi.Mode().Perm()&0o044 == 0 {
			continue
		}
		out = append(out, SecretFile{Key: s.key, Path: s.path, Mode: fi.Mode().Perm()})
	}
	return out
}

// WarnReadableSecretFiles logs a warning for each of ReadableSecretFiles,
// naming the key, the file and its mode (never its content).
func (c *Config) WarnReadableSecretFiles(logger *slog.Logger) {
	for _, f := range c.ReadableSecretFiles() {
		logger.Warn("secret file is readable by other users; restrict it with chmod 600",
			"key", f.Key, "file", f.Path, "mode", fmt.Sprintf("%04o", uint32(f.Mode)))
	}
}
