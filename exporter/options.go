// Package exporter turns pathways into a Backstage tree: catalog entities
// (a Location, a System per discipline, a Resource per role archetype, a
// Component per pathway and, for the default owner, a Group behind its own
// Location), TechDocs for every entity but the Locations and Group, and the
// manifest.
// Render is pure and deterministic; Write puts a tree on disk atomically.
package exporter

import (
	"errors"
	"strings"

	"github.com/pathwaysync/pathwaysync/catalog"
	"github.com/pathwaysync/pathwaysync/manifest"
	"github.com/pathwaysync/pathwaysync/pathway"
)

// Defaults for Options.
const (
	DefaultNamespace = "pathways"
	// DefaultOwner is the Group the tree generates and owns everything
	// with; in the pathways namespace so it cannot collide with a team.
	DefaultOwner     = "group:pathways/" + OwnerGroupName
	DefaultLifecycle = "active"
	// OwnerGroupName is the name of the generated owner Group.
	OwnerGroupName = "learning-pathways"
	// OwnerLocationName is the metadata.name of the Location that reads
	// the generated Group: its own Location, so that a Backstage whose
	// rules do not allow Group fails only that Location.
	OwnerLocationName = "pathways-owner"
	// LifecycleIncomplete replaces the lifecycle of a pathway whose source
	// was cut off.
	LifecycleIncomplete = "incomplete"
	// TagIncomplete tags a pathway whose source was cut off.
	TagIncomplete = "incomplete-source"
	// LocationName is the metadata.name of the root Location.
	LocationName = "pathways"
)

// Spec types of the entities the exporter emits.
const (
	TypePathway    = "learning-pathway"
	TypeRole       = "role-archetype"
	TypeDiscipline = "discipline"
	// TagPathway tags every pathway Component.
	TagPathway = "learning-pathway"
)

// Options shape the rendered tree; zero fields take the defaults above.
type Options struct {
	// Namespace of every entity (default "pathways").
	Namespace string
	// Owner is the entity ref owning every entity (default DefaultOwner).
	// When it is DefaultOwner or group:<Namespace>/learning-pathways the
	// tree holds that Group; any other owner must exist in the catalog.
	Owner string
	// Lifecycle of every pathway Component (default "active"); a pathway
	// whose source was cut off gets LifecycleIncomplete.
	Lifecycle string
	// BackstageURL is the Backstage app's base URL (its app.baseUrl), e.g.
	// https://backstage.example.com. When set, entities link to each
	// other's pages and docs in the app (Links card, docs, the ladder);
	// when empty there are no such links, since the catalog rejects a
	// relative link URL.
	BackstageURL string
	// SourceBaseURL, when set, turns a Source that is not an http(s) URL
	// into a link: SourceBaseURL + "/" + Source.
	SourceBaseURL string
	// Previous is the manifest of the tree this one replaces (Export reads
	// its target's own when nil; sync can pass the base branch's): every
	// pathway, role and discipline keeps the entity name it published
	// there. See docs/configuration.md, "Entity names".
	Previous *manifest.Manifest
	// Names gives pathways explicit entity names by source (as given, or as
	// spec.pathway.source records it), for sources that cannot say `name:`.
	Names map[string]string
}

// OptionError is an invalid Options field (catalog.OptionError).
type OptionError = catalog.OptionError

// Validate checks o after defaults apply, by the catalog's rules: the
// namespace and owner as the catalog validates an entity's, a lifecycle
// that is not blank, and the BackstageURL rule catalog.ValidateBaseURL.
// Every error is an *OptionError (joined), so that a caller can name its
// own setting for each field. Options.Names values are checked by
// ValidateName when a pathway uses them.
func (o Options) Validate() error {
	o = o.withDefaults()
	var errs []error
	bad := func(field, msg string) { errs = append(errs, &OptionError{Field: field, Msg: msg}) }
	probe := catalog.Entity{APIVersion: catalog.APIVersion, Kind: catalog.KindSystem,
		Metadata: catalog.Metadata{Name: "probe", Namespace: o.Namespace},
		Spec:     map[string]any{"owner": o.Owner}}
	for _, err := range catalog.Validate(&probe) {
		var fe *catalog.FieldError
		if errors.As(err, &fe) {
			switch fe.Field {
			case "metadata.namespace":
				bad("Namespace", fe.Msg)
			case "spec.owner":
				bad("Owner", fe.Msg)
			}
		}
	}
	if strings.TrimSpace(o.Lifecycle) == "" {
		bad("Lifecycle", "must not be blank")
	}
	if o.BackstageURL != "" {
		if err := catalog.ValidateBaseURL(o.BackstageURL); err != nil {
			bad("BackstageURL", err.Error())
		}
	}
	return errors.Join(errs...)
}

func (o Options) withDefaults() Options {
	if o.Namespace == "" {
		o.Namespace = DefaultNamespace
	}
	if o.Owner == "" {
		o.Owner = DefaultOwner
	}
	if o.Lifecycle == "" {
		o.Lifecycle = DefaultLifecycle
	}
	o.BackstageURL = strings.TrimRight(strings.TrimSpace(o.BackstageURL), "/")
	return o
}

// File is one generated file: a slash-separated path relative to the tree
// root and its bytes.
type File struct {
	Path string
	Data []byte
}

// Result is a rendered tree.
type Result struct {
	// Files are every generated file, the manifest included, sorted by Path.
	Files []File
	// Entities are every emitted entity, in the order of their files.
	Entities []catalog.Entity
	// Manifest is the content of pathwaysync-manifest.json.
	Manifest manifest.Manifest
	// Pathways are the input pathways sorted by their Component name.
	Pathways []pathway.Pathway
}
