package catalogapi

import (
	"regexp"
	"testing"
)

var uuidRE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

func TestParseRef(t *testing.T) {
	tests := []struct {
		ref, kind, ns string
		want          string
		ok            bool
	}{
		{"platform-guild", "group", "pathways", "group:pathways/platform-guild", true},
		{"Group:Other/Team", "group", "pathways", "group:other/team", true},
		{"default/x", "system", "pathways", "system:default/x", true},
		{"resource:x", "", "pathways", "resource:pathways/x", true},
		{"x", "", "pathways", "", false}, // dependsOn has no default kind
		{"component:", "", "pathways", "", false},
	}
	for _, tt := range tests {
		got, ok := parseRef(tt.ref, tt.kind, tt.ns)
		if got != tt.want || ok != tt.ok {
			t.Errorf("parseRef(%q) = %q %v, want %q %v", tt.ref, got, ok, tt.want, tt.ok)
		}
	}
}

func TestProject(t *testing.T) {
	raw := []byte(`{"kind":"Component","metadata":{"name":"a","annotations":{"backstage.io/techdocs-ref":"dir:.","x.y":"z"}},"spec":{"type":"t"}}`)
	tests := []struct {
		fields []string
		want   string
	}{
		{[]string{"kind"}, `{"kind":"Component"}`},
		{[]string{"metadata.name", "spec"}, `{"metadata":{"name":"a"},"spec":{"type":"t"}}`},
		{[]string{"metadata.annotations.backstage.io/techdocs-ref"}, `{"metadata":{"annotations":{"backstage.io/techdocs-ref":"dir:."}}}`},
		{[]string{"metadata.annotations.x.y"}, `{"metadata":{"annotations":{"x.y":"z"}}}`},
		{[]string{"spec.missing", "nope"}, `{}`},
	}
	for _, tt := range tests {
		got, err := project(raw, tt.fields)
		if err != nil || string(got) != tt.want {
			t.Errorf("project(%v) = %s %v, want %s", tt.fields, got, err, tt.want)
		}
	}
}

func TestUIDStable(t *testing.T) {
	a, b := UID("component:pathways/x"), UID("component:pathways/x")
	if a != b || a == UID("component:pathways/y") || !uuidRE.MatchString(a) || a[14] != '5' {
		t.Fatalf("uid %s / %s not a stable v5-style UUID", a, b)
	}
}
