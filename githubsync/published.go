package githubsync

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/pathwaysync/pathwaysync/manifest"
)

// PublishedManifest returns the manifest of the managed folder on the base
// branch: what the repository publishes today, whose entity names a
// render keeps (exporter.Options.Previous). It is nil, with a nil error,
// when the folder or its manifest does not exist yet. It costs up to four
// requests (the default branch when not configured, the folder's listing,
// the manifest's blob), so callers read it only when a render needs it.
func (p *Publisher) PublishedManifest(ctx context.Context) (*manifest.Manifest, error) {
	base, err := p.baseBranch(ctx)
	if err != nil {
		return nil, fmt.Errorf("read published manifest: %w", err)
	}
	t, err := p.api.tree(ctx, base+":"+p.o.Path, false)
	var ge *Error
	if errors.As(err, &ge) && ge.Status == http.StatusNotFound {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read published manifest: %w", err)
	}
	for _, e := range t.Entries {
		if e.GetPath() != manifest.FileName || e.GetType() != "blob" {
			continue
		}
		b, err := p.api.blob(ctx, e.GetSHA())
		if err != nil {
			return nil, fmt.Errorf("read published manifest: %w", err)
		}
		m, err := manifest.Parse(b)
		if err != nil {
			return nil, fmt.Errorf("read published manifest %s/%s: %w", p.o.Path, manifest.FileName, err)
		}
		return m, nil
	}
	return nil, nil
}
