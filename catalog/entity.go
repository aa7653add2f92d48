// Package catalog is the Backstage entity model pathwaysync emits, and a
// validator that applies the stock catalog's rules to it.
package catalog

// APIVersion of every entity pathwaysync emits.
const APIVersion = "backstage.io/v1alpha1"

// Kinds emitted by pathwaysync; all are allowed by a default Backstage app.
const (
	KindComponent = "Component"
	KindResource  = "Resource"
	KindSystem    = "System"
	KindLocation  = "Location"
)

// Entity is a Backstage catalog entity. Relations, UID and Etag are only set
// on entities served by the read API; they are never written to files.
type Entity struct {
	APIVersion string         `json:"apiVersion"`
	Kind       string         `json:"kind"`
	Metadata   Metadata       `json:"metadata"`
	Spec       map[string]any `json:"spec,omitempty"`
	Relations  []Relation     `json:"relations,omitempty"`
}

// Metadata is an entity's metadata block.
type Metadata struct {
	Name        string            `json:"name"`
	Namespace   string            `json:"namespace,omitempty"`
	Title       string            `json:"title,omitempty"`
	Description string            `json:"description,omitempty"`
	Labels      map[string]string `json:"labels,omitempty"`
	Annotations map[string]string `json:"annotations,omitempty"`
	Tags        []string          `json:"tags,omitempty"`
	Links       []Link            `json:"links,omitempty"`

	// UID and Etag are set by the catalog (or our read API), never by files.
	UID  string `json:"uid,omitempty"`
	Etag string `json:"etag,omitempty"`
}

// Link is an entry of metadata.links.
type Link struct {
	URL   string `json:"url"`
	Title string `json:"title,omitempty"`
	Icon  string `json:"icon,omitempty"`
	Type  string `json:"type,omitempty"`
}

// Relation is a served relation, e.g. {type: dependsOn, targetRef: resource:pathways/x}.
type Relation struct {
	Type      string `json:"type"`
	TargetRef string `json:"targetRef"`
}

// Ref is the entity's canonical reference, "kind:namespace/name" lowercased.
func (e *Entity) Ref() string {
	ns := e.Metadata.Namespace
	if ns == "" {
		ns = "default"
	}
	return lower(e.Kind) + ":" + lower(ns) + "/" + lower(e.Metadata.Name)
}

func lower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
