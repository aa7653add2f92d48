package catalog

import (
	"errors"
	"net/url"
	"strings"
)

// ValidateBaseURL checks a web app's base URL, such as Backstage's
// app.baseUrl or the daemon's public URL, onto which paths are appended
// to make the links written into entities: an absolute http or https URL
// with a host, and without user information (the links are published, and
// would publish a credential), query or fragment (an appended path would
// land inside them). The error states the rule broken and never repeats
// s, which may hold a credential.
func ValidateBaseURL(s string) error {
	u, err := url.Parse(s)
	switch {
	case err != nil || (u.Scheme != "http" && u.Scheme != "https"):
		return errors.New("is not an absolute http(s) URL")
	case u.Opaque != "" || u.Hostname() == "":
		return errors.New("has no host")
	case u.User != nil:
		return errors.New("must not hold user information: links to it are published")
	case strings.ContainsAny(s, "?#"):
		return errors.New("must not have a query or fragment: paths are appended to it")
	}
	return nil
}
