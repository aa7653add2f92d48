package catalog

import (
	"errors"
	"fmt"
	"maps"
	"net/url"
	"regexp"
	"slices"
	"strings"
)

// FieldError is one rule an entity breaks: Entity is the entity's ref, Field
// the offending field path (e.g. "metadata.tags[2]").
type FieldError struct {
	Entity string
	Field  string
	Msg    string
}

// Error formats the error as "entity: field: msg".
func (e *FieldError) Error() string {
	return e.Entity + ": " + e.Field + ": " + e.Msg
}

// ValidateOptions tunes Validate; the zero value applies the defaults.
type ValidateOptions struct {
	// AllowedKinds are the kinds the target catalog's catalog.rules allow;
	// empty means DefaultAllowedKinds.
	AllowedKinds []string
}

// KindAPI and the other kinds below are stock kinds that pathwaysync does not
// emit but Validate understands.
const (
	KindAPI      = "API"
	KindDomain   = "Domain"
	KindGroup    = "Group"
	KindUser     = "User"
	KindTemplate = "Template"
)

// DefaultAllowedKinds returns the kinds a Backstage app made by create-app
// allows: Component, API and Location, plus System and Resource.
func DefaultAllowedKinds() []string {
	return []string{KindComponent, KindAPI, KindLocation, KindSystem, KindResource}
}

// Annotations the catalog owns; a producer must never set them.
var forbiddenAnnotations = []string{
	"backstage.io/managed-by-location",
	"backstage.io/managed-by-origin-location",
	"backstage.io/orphan",
}

var (
	reObjectName = regexp.MustCompile(`^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$`)
	reDNSLabel   = regexp.MustCompile(`^[a-z0-9]+(?:-+[a-z0-9]+)*$`)
	reTag        = regexp.MustCompile(`^[a-z0-9:+#]+(-[a-z0-9:+#]+)*$`)
	reKind       = regexp.MustCompile(`^[a-zA-Z][a-z0-9A-Z]*$`)
	reAPIVerPart = regexp.MustCompile(`^[a-z0-9A-Z]+$`)
	reScheme     = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9+.-]*$`)
)

// Validate checks e against the stock catalog's rules (catalog-model 1.10)
// and pathwaysync's producer rules, with the default options.
func Validate(e *Entity) []error {
	return ValidateWith(e, ValidateOptions{})
}

// ValidateWith checks e against the stock catalog's rules and pathwaysync's
// producer rules (no catalog-owned fields); every error is a *FieldError.
func ValidateWith(e *Entity, o ValidateOptions) []error {
	v := validator{entityRef: e.Ref()}
	v.entity(e, o)
	return v.errs
}

// ValidateAll validates every entity with the default options and checks
// that refs are unique per kind and namespace ignoring case; the result
// joins every *FieldError, or is nil.
func ValidateAll(entities []Entity) error {
	var errs []error
	first := make(map[string]int, len(entities))
	for i := range entities {
		e := &entities[i]
		errs = append(errs, Validate(e)...)
		ref := e.Ref()
		if j, ok := first[ref]; ok {
			errs = append(errs, &FieldError{Entity: ref, Field: "metadata.name",
				Msg: fmt.Sprintf("duplicate entity (entities %d and %d share this ref, ignoring case)", j, i)})
			continue
		}
		first[ref] = i
	}
	return errors.Join(errs...)
}

type validator struct {
	entityRef string
	errs      []error
}

func (v *validator) fail(field, format string, args ...any) {
	v.errs = append(v.errs, &FieldError{Entity: v.entityRef, Field: field, Msg: fmt.Sprintf(format, args...)})
}

func (v *validator) entity(e *Entity, o ValidateOptions) {
	if !validAPIVersion(e.APIVersion) {
		v.fail("apiVersion", "%q is not a valid apiVersion", e.APIVersion)
	}
	known := v.kind(e, o)
	m := &e.Metadata
	if !validObjectName(m.Name) {
		v.fail("metadata.name", "%q must be 1-63 characters of [a-zA-Z0-9] separated by [-_.]", m.Name)
	}
	if m.Namespace != "" && !validDNSLabel(m.Namespace) {
		v.fail("metadata.namespace", "%q must be 1-63 characters of [a-z0-9] separated by [-]", m.Namespace)
	}
	if m.UID != "" {
		v.fail("metadata.uid", "is set by the catalog, never by a producer")
	}
	if m.Etag != "" {
		v.fail("metadata.etag", "is set by the catalog, never by a producer")
	}
	if len(e.Relations) > 0 {
		v.fail("relations", "is set by the catalog, never by a producer")
	}
	for _, k := range slices.Sorted(maps.Keys(m.Labels)) {
		field := "metadata.labels[" + k + "]"
		if !validPrefixedName(k) {
			v.fail(field, "key %q must be [prefix/]name with a DNS prefix and a 1-63 character name", k)
		}
		if val := m.Labels[k]; val != "" && !validObjectName(val) {
			v.fail(field, "value %q must be empty or 1-63 characters of [a-zA-Z0-9] separated by [-_.]", val)
		}
	}
	for _, k := range slices.Sorted(maps.Keys(m.Annotations)) {
		field := "metadata.annotations[" + k + "]"
		if !validPrefixedName(k) {
			v.fail(field, "key %q must be [prefix/]name with a DNS prefix and a 1-63 character name", k)
		}
		for _, f := range forbiddenAnnotations {
			if k == f {
				v.fail(field, "is set by the catalog, never by a producer")
			}
		}
	}
	for i, t := range m.Tags {
		if len(t) > 63 || !reTag.MatchString(t) {
			v.fail(fmt.Sprintf("metadata.tags[%d]", i), "%q must be 1-63 characters of [a-z0-9:+#] separated by single [-]", t)
		}
	}
	for i, l := range m.Links {
		field := fmt.Sprintf("metadata.links[%d]", i)
		if !validURL(l.URL) {
			v.fail(field+".url", "%q is not an absolute URL", l.URL)
		}
		if l.Title != "" && strings.TrimSpace(l.Title) == "" {
			v.fail(field+".title", "must not be blank")
		}
		if l.Icon != "" && strings.TrimSpace(l.Icon) == "" {
			v.fail(field+".icon", "must not be blank")
		}
	}
	if known {
		v.spec(e)
	}
}

// kind checks the kind and reports whether its spec rules are known.
func (v *validator) kind(e *Entity, o ValidateOptions) bool {
	if len(e.Kind) > 63 || !reKind.MatchString(e.Kind) {
		v.fail("kind", "%q is not a valid kind", e.Kind)
		return false
	}
	allowed := o.AllowedKinds
	if len(allowed) == 0 {
		allowed = DefaultAllowedKinds()
	}
	ok := false
	for _, k := range allowed {
		if strings.EqualFold(k, e.Kind) {
			ok = true
		}
	}
	if !ok {
		v.fail("kind", "%q is not an allowed kind (allowed: %s)", e.Kind, strings.Join(allowed, ", "))
		return false
	}
	switch e.Kind {
	case KindTemplate:
		if e.APIVersion != "scaffolder.backstage.io/v1beta3" {
			v.fail("apiVersion", "%q must be scaffolder.backstage.io/v1beta3 for kind Template", e.APIVersion)
		}
	case KindComponent, KindResource, KindSystem, KindLocation, KindAPI, KindDomain, KindGroup, KindUser:
		if e.APIVersion != "backstage.io/v1alpha1" && e.APIVersion != "backstage.io/v1beta1" {
			v.fail("apiVersion", "%q must be backstage.io/v1alpha1 or backstage.io/v1beta1 for kind %s", e.APIVersion, e.Kind)
		}
	default:
		v.fail("kind", "%q is not a kind any stock processor recognises", e.Kind)
		return false
	}
	if e.Spec == nil {
		v.fail("spec", "is required for kind %s", e.Kind)
		return false
	}
	return true
}

// refRule says how a spec field holding entity refs is checked.
type refRule struct {
	field    string
	required bool
	list     bool
	// kindless refs are errors when defaultKind is empty.
	defaultKind string
}

// specRules returns the required plain-string fields and the entity-ref
// fields of kind's spec (the relations the stock processor emits).
func specRules(kind string) (strs []string, refs []refRule) {
	switch kind {
	case KindComponent:
		strs = []string{"type", "lifecycle"}
		refs = []refRule{{"owner", true, false, "group"}, {"system", false, false, "system"},
			{"subcomponentOf", false, false, "component"}, {"providesApis", false, true, "api"},
			{"consumesApis", false, true, "api"}, {"dependsOn", false, true, ""}, {"dependencyOf", false, true, ""}}
	case KindResource:
		strs = []string{"type"}
		refs = []refRule{{"owner", true, false, "group"}, {"system", false, false, "system"},
			{"dependsOn", false, true, ""}, {"dependencyOf", false, true, ""}}
	case KindSystem:
		refs = []refRule{{"owner", true, false, "group"}, {"domain", false, false, "domain"}}
	case KindDomain:
		refs = []refRule{{"owner", true, false, "group"}, {"subdomainOf", false, false, "domain"}}
	case KindAPI:
		strs = []string{"type", "lifecycle", "definition"}
		refs = []refRule{{"owner", true, false, "group"}, {"system", false, false, "system"}}
	case KindGroup:
		strs = []string{"type"}
		refs = []refRule{{"children", true, true, "group"}, {"parent", false, false, "group"}, {"members", false, true, "user"}}
	case KindUser:
		refs = []refRule{{"memberOf", true, true, "group"}}
	case KindTemplate:
		strs = []string{"type"}
	}
	return strs, refs
}

func (v *validator) spec(e *Entity) {
	s := e.Spec
	strs, refs := specRules(e.Kind)
	switch e.Kind {
	case KindSystem, KindDomain:
		v.optionalString(s, "type")
	case KindTemplate:
		if _, ok := s["steps"].([]any); !ok {
			v.fail("spec.steps", "is required and must be a list")
		}
	case KindLocation:
		v.location(s)
	}
	for _, k := range strs {
		str, ok := s[k].(string)
		switch {
		case s[k] == nil:
			v.fail("spec."+k, "is required for kind %s", e.Kind)
		case !ok || str == "":
			v.fail("spec."+k, "must be a non-empty string")
		}
	}
	for _, r := range refs {
		v.refs(s, r, e.Kind)
	}
}

func (v *validator) optionalString(s map[string]any, k string) {
	if x, present := s[k]; present {
		if str, ok := x.(string); !ok || str == "" {
			v.fail("spec."+k, "must be a non-empty string")
		}
	}
}

func (v *validator) refs(s map[string]any, r refRule, kind string) {
	x, present := s[r.field]
	field := "spec." + r.field
	if !present || x == nil {
		if r.required {
			v.fail(field, "is required for kind %s", kind)
		}
		return
	}
	if !r.list {
		str, ok := x.(string)
		if !ok {
			v.fail(field, "must be a string entity ref")
			return
		}
		v.ref(field, str, r.defaultKind)
		return
	}
	items, ok := stringList(x)
	if !ok {
		v.fail(field, "must be a list of entity refs")
		return
	}
	for i, str := range items {
		v.ref(fmt.Sprintf("%s[%d]", field, i), str, r.defaultKind)
	}
}

func (v *validator) ref(field, ref, defaultKind string) {
	if ref == "" {
		v.fail(field, "entity ref must not be empty")
		return
	}
	kind, _, name, ok := ParseRef(ref)
	switch {
	case !ok:
		v.fail(field, "%q is not of the form [kind:][namespace/]name", ref)
	case kind == "" && defaultKind == "":
		v.fail(field, "%q has no kind (write it as kind:namespace/name)", ref)
	case name == "":
		v.fail(field, "%q has no name", ref)
	}
}

// ParseRef splits an entity ref "[kind:][namespace/]name" the way the
// catalog does; ok is false when a present part is empty.
func ParseRef(ref string) (kind, namespace, name string, ok bool) {
	colon := strings.IndexByte(ref, ':')
	slash := strings.IndexByte(ref, '/')
	if slash != -1 && slash < colon {
		colon = -1
	}
	hasKind, hasNS := colon != -1, slash != -1
	if hasKind {
		kind = ref[:colon]
	}
	if hasNS {
		namespace = ref[colon+1 : slash]
	}
	name = ref[max(colon+1, slash+1):]
	ok = (!hasKind || kind != "") && (!hasNS || namespace != "") && name != ""
	return kind, namespace, name, ok
}

func (v *validator) location(s map[string]any) {
	_, hasTarget := s["target"]
	_, hasTargets := s["targets"]
	if !hasTarget && !hasTargets {
		v.fail("spec.targets", "a Location needs spec.target or spec.targets")
	}
	if hasTarget {
		if str, ok := s["target"].(string); !ok || str == "" {
			v.fail("spec.target", "must be a non-empty string")
		}
	}
	if hasTargets {
		items, ok := stringList(s["targets"])
		if !ok {
			v.fail("spec.targets", "must be a list of strings")
		}
		for i, t := range items {
			if t == "" {
				v.fail(fmt.Sprintf("spec.targets[%d]", i), "must not be empty")
			}
		}
	}
	v.optionalString(s, "type")
	if p, present := s["presence"]; present && p != "required" && p != "optional" {
		v.fail("spec.presence", "%v must be required or optional", p)
	}
}

// stringList accepts []string and []any holding only strings.
func stringList(x any) ([]string, bool) {
	switch l := x.(type) {
	case []string:
		return l, true
	case []any:
		out := make([]string, len(l))
		for i, it := range l {
			s, ok := it.(string)
			if !ok {
				return nil, false
			}
			out[i] = s
		}
		return out, true
	}
	return nil, false
}

func validObjectName(s string) bool {
	return len(s) >= 1 && len(s) <= 63 && reObjectName.MatchString(s)
}

func validDNSLabel(s string) bool { return len(s) >= 1 && len(s) <= 63 && reDNSLabel.MatchString(s) }

func validDNSSubdomain(s string) bool {
	if len(s) < 1 || len(s) > 253 {
		return false
	}
	for _, p := range strings.Split(s, ".") {
		if !validDNSLabel(p) {
			return false
		}
	}
	return true
}

// validPrefixedName is the label and annotation key rule: [dns-prefix/]name.
func validPrefixedName(s string) bool {
	parts := strings.Split(s, "/")
	switch len(parts) {
	case 1:
		return validObjectName(parts[0])
	case 2:
		return validDNSSubdomain(parts[0]) && validObjectName(parts[1])
	}
	return false
}

func validAPIVersion(s string) bool {
	parts := strings.Split(s, "/")
	last := parts[len(parts)-1]
	okLast := len(last) >= 1 && len(last) <= 63 && reAPIVerPart.MatchString(last)
	switch len(parts) {
	case 1:
		return okLast
	case 2:
		return validDNSSubdomain(parts[0]) && okLast
	}
	return false
}

// validURL approximates the WHATWG URL parser the catalog uses: a scheme is
// required, and web schemes need a host.
func validURL(s string) bool {
	u, err := url.Parse(s)
	if err != nil || !reScheme.MatchString(u.Scheme) {
		return false
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https", "ws", "wss", "ftp":
		return u.Host != "" && u.Hostname() != ""
	}
	return true
}
