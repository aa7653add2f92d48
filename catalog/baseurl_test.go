package catalog

import (
	"strings"
	"testing"
)

func TestValidateBaseURL(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want string // a part of the error; "" for none
	}{
		{"https://backstage.example.com", ""},
		{"http://localhost:3000", ""},
		{"https://example.com/backstage/", ""},
		{"HTTPS://Backstage.Example.com", ""},
		{"https://[::1]:7007", ""},
		{"", "absolute http(s)"},
		{"backstage.example.com", "absolute http(s)"},
		{"/relative/path", "absolute http(s)"},
		{"ftp://backstage.example.com", "absolute http(s)"},
		{"javascript:alert(1)", "absolute http(s)"},
		{"https://exa mple.com", "absolute http(s)"},
		{"https://", "no host"},
		{"https:///path", "no host"},
		{"https:backstage.example.com", "no host"},
		{"https://:443", "no host"},
		{"https://user:s3cret@backstage.example.com", "user information"},
		{"https://token@backstage.example.com", "user information"},
		{"https://backstage.example.com/?a=b", "query or fragment"},
		{"https://backstage.example.com/?", "query or fragment"},
		{"https://backstage.example.com/#top", "query or fragment"},
		{"https://backstage.example.com#", "query or fragment"},
	} {
		err := ValidateBaseURL(tc.in)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%q: %v, want nil", tc.in, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%q: %v, want an error saying %q", tc.in, err, tc.want)
		case err != nil && strings.Contains(tc.in, "s3cret") && strings.Contains(err.Error(), "s3cret"):
			t.Errorf("%q: the error repeats the credential: %v", tc.in, err)
		}
	}
}
