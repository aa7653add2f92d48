package source

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// isURL reports whether a spec is an http(s) URL.
func isURL(spec string) bool {
	s := strings.ToLower(spec)
	return strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://")
}

// hasScheme reports whether a spec looks like a URL of any scheme.
func hasScheme(spec string) bool {
	i := strings.Index(spec, "://")
	return i > 0 && !strings.ContainsAny(spec[:i], `/\.`)
}

// redact returns a URL safe for errors, logs and metrics: user info and the
// values of query parameters that look like credentials are replaced.
func redact(raw string) string {
	if u, err := url.Parse(raw); err == nil {
		if u.User != nil {
			u.User = url.User("xxxxx")
		}
		if u.RawQuery != "" {
			u.RawQuery = redactQuery(u.RawQuery)
		}
		return u.String()
	}
	i := strings.Index(raw, "://")
	if i < 0 {
		return raw
	}
	rest := raw[i+3:]
	end := strings.IndexAny(rest, "/?#")
	if end < 0 {
		end = len(rest)
	}
	if at := strings.LastIndex(rest[:end], "@"); at >= 0 {
		rest = "xxxxx" + rest[at:]
	}
	if q := strings.IndexByte(rest, '?'); q >= 0 {
		rest = rest[:q+1] + redactQuery(rest[q+1:])
	}
	return raw[:i+3] + rest
}

// secretParams are substrings of query parameter names whose values redact hides.
var secretParams = []string{"token", "key", "secret", "sig", "pass", "auth", "credential"}

// redactQuery replaces the values of credential-like parameters, keeping
// the order and the other parameters as they were.
func redactQuery(q string) string {
	frag := ""
	if i := strings.IndexByte(q, '#'); i >= 0 {
		q, frag = q[:i], q[i:]
	}
	parts := strings.Split(q, "&")
	for i, part := range parts {
		name, _, hasValue := strings.Cut(part, "=")
		lower := strings.ToLower(name)
		for _, s := range secretParams {
			if hasValue && strings.Contains(lower, s) {
				parts[i] = name + "=xxxxx"
				break
			}
		}
	}
	return strings.Join(parts, "&") + frag
}

// validator is what a conditional GET sends back to the server.
type validator struct {
	etag         string
	lastModified string
}

// fetched is one URL fetch: a body, or notModified when the server answered
// 304 to the validator sent.
type fetched struct {
	data        []byte
	notModified bool
	validator   validator
}

// fetch GETs a URL, conditionally when v is set, reading at most o.MaxBytes.
// Errors name the redacted URL and never carry request headers.
func fetch(ctx context.Context, o Options, raw string, v validator) (fetched, error) {
	name := redact(raw)
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return fetched{}, fmt.Errorf("fetch %s: invalid URL", name)
	}
	ctx, cancel := context.WithTimeout(ctx, o.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return fetched{}, fmt.Errorf("fetch %s: invalid URL", name)
	}
	req.Header.Set("User-Agent", o.UserAgent)
	req.Header.Set("Accept", "text/html, text/plain, application/yaml;q=0.9, */*;q=0.5")
	if v.etag != "" {
		req.Header.Set("If-None-Match", v.etag)
	}
	if v.lastModified != "" {
		req.Header.Set("If-Modified-Since", v.lastModified)
	}
	resp, err := o.HTTPClient.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return fetched{}, fmt.Errorf("fetch %s: %w", name, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusNotModified && v != (validator{}) {
		return fetched{notModified: true, validator: v}, nil
	}
	if resp.StatusCode != http.StatusOK {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		return fetched{}, &StatusError{URL: name, StatusCode: resp.StatusCode, Status: resp.Status}
	}
	if resp.ContentLength > o.MaxBytes {
		return fetched{}, fmt.Errorf("fetch %s: %w of %d bytes", name, ErrTooLarge, o.MaxBytes)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, o.MaxBytes+1))
	if err != nil {
		return fetched{}, fmt.Errorf("fetch %s: read body: %w", name, err)
	}
	if int64(len(data)) > o.MaxBytes {
		return fetched{}, fmt.Errorf("fetch %s: %w of %d bytes", name, ErrTooLarge, o.MaxBytes)
	}
	o.Logger.Debug("fetched source", "source", name, "bytes", len(data))
	return fetched{data: data, validator: validator{
		etag:         resp.Header.Get("ETag"),
		lastModified: resp.Header.Get("Last-Modified"),
	}}, nil
}
