package daemon

import (
	"fmt"

	"github.com/pathwaysync/pathwaysync/catalog"
	"github.com/pathwaysync/pathwaysync/catalogapi"
	"github.com/pathwaysync/pathwaysync/pathway"
)

// snapshot is the immutable state served from one good sync.
type snapshot struct {
	api      *catalogapi.API
	pathways []statusPathway // what the status page lists; not the whole model

	catalogYAML []byte // gzip-compressed
	yamlETag    string
	ownerYAML   []byte // /catalog-owner.yaml, gzip-compressed; nil: none
	ownerETag   string
	learning    []byte // /api/learning-paths body
}

func emptySnapshot() *snapshot {
	api, _ := catalogapi.New(nil, catalogapi.Options{}) // nothing to fail on
	return &snapshot{api: api, learning: []byte("[]\n")}
}

// buildSnapshot prepares a sync's entities and pathways for serving.
func buildSnapshot(in []catalog.Entity, pathways []pathway.Pathway, o Options) (*snapshot, error) {
	api, err := catalogapi.New(in, catalogapi.Options{PublicURL: o.PublicURL})
	if err != nil {
		return nil, fmt.Errorf("catalog API: %w", err)
	}
	s := &snapshot{api: api}
	for _, p := range pathways {
		s.pathways = append(s.pathways, statusPathway{Title: p.Title, URL: safeURL(p.Source), Duration: p.Duration.Text})
	}
	main, owner, err := splitOwner(in, o.OwnerLocationName)
	if err != nil {
		return nil, err
	}
	if s.catalogYAML, s.yamlETag, err = catalogYAML(main, o.OwnerLocationName); err != nil {
		return nil, err
	}
	if len(owner) > 0 {
		if s.ownerYAML, s.ownerETag, err = catalogYAML(owner, o.OwnerLocationName); err != nil {
			return nil, err
		}
	}
	if s.learning, err = learningPaths(in, pathways, o.TechDocsBaseURL); err != nil {
		return nil, err
	}
	return s, nil
}
