package githubsync

import (
	"fmt"
	"slices"
	"strings"

	"github.com/pathwaysync/pathwaysync/manifest"
)

// Action is what a Publish did or, in a dry run, would do (Result.Planned).
type Action string

// Actions.
const (
	// ActionUnchanged: the repository or the open PR already holds the
	// content; nothing written.
	ActionUnchanged Action = "unchanged"
	// ActionCreated: a commit on the bot branch and a new PR.
	ActionCreated Action = "created"
	// ActionUpdated: a new commit on the open PR's branch, or only its
	// title changed, or a racing sync's PR was adopted.
	ActionUpdated Action = "updated"
	// ActionClosed: the base branch already holds the content, so the open
	// bot PR was closed (and its branch deleted when only ours).
	ActionClosed Action = "closed"
	// ActionBlocked: the open PR's branch head is a commit pathwaysync did
	// not make; nothing is pushed until a person merges or closes the PR.
	// The Result still lists the files that would change.
	ActionBlocked Action = "blocked"
	// ActionRefused: the mass-deletion guard refused; nothing written and
	// Publish returns an *Error matching ErrMassDeletion.
	ActionRefused Action = "refused"
	// ActionRejected: a person closed a PR holding exactly this content
	// without merging it; no new PR until the content changes.
	ActionRejected Action = "rejected"
	// ActionDryRun is Result.Action of a dry run; Result.Planned says what
	// a real sync would do.
	ActionDryRun Action = "dry-run"
)

func (a Action) String() string { return string(a) }

// branchMove says how apply moves the bot branch to the new commit.
type branchMove uint8

const (
	branchKeep  branchMove = iota // no new commit
	branchForce                   // open PR whose head is ours: force-update the branch
	branchPlace                   // no open PR: create the branch, or reset a stale one of ours
)

// writes are the writes a plan needs; apply performs them in field order.
type writes struct {
	Comment      string     // comment on Plan.PR first
	Close        bool       // close Plan.PR, body Plan.CloseBody
	Commit       bool       // one tree and one commit of the file changes on the base head
	Branch       branchMove // then move the bot branch to it
	Delta        bool       // then comment Plan.Delta, what changed since Plan.DeltaFrom, on Plan.PR
	CreatePR     bool       // open the PR (then labels and reviewers)
	SetTitle     bool       // set Plan.PR's title to Plan.Title
	SetBody      bool       // render Plan.PR's body and set it when it differs
	DeleteBranch bool       // delete the bot branch (it holds only our commits)
}

// plan is what decide makes of a state: the action, its file and pathway
// changes, warnings and the writes apply performs. A plan is pure data.
type plan struct {
	Action                   Action
	Added, Modified, Deleted []string          // relative to Options.Path, sorted
	Changes                  []manifest.Change // per pathway; nil when not described
	Desc                     description       // the PR against the base, for the body
	Delta                    *description      // the update against the PR's previous head (DeltaFrom)
	DeltaFrom                string
	Title                    string // the PR title pathwaysync sets
	KeepBody                 bool   // a person edited the body: only its marker is replaced
	Warnings                 []string
	Refusal                  error        // ActionRefused: the guard's reason, wrapping ErrMassDeletion
	PR                       *pullRequest // the open PR acted on, or the closed PR that rejected the content
	Head                     string       // the bot branch's commit when no new one is made (unchanged, blocked)
	ClosedHead               string       // head of the last closed bot PR: branchPlace may reset a branch there
	Marker                   marker       // the PR body's marker; head "" means the commit apply makes
	CloseBody                string       // ActionClosed: the body with the marker closed=bot
	CompareURL               string
	Writes                   writes
}

// Messages posted on pull requests.
const closingComment = "The base branch now holds exactly the content this pull request proposed, so pathwaysync is closing it."

func blockedComment(head, branch string) string {
	return fmt.Sprintf("Commit %s was pushed to `%s` by someone other than pathwaysync, so pathwaysync will not force-push over it. "+
		"The description below shows what the generated content should be; merge or close this pull request and pathwaysync will open a new one.",
		short(head), branch)
}

// planOptions are the options decide reads. A dry run is not among them:
// it plans exactly what a real sync would, and only apply is skipped.
type planOptions struct {
	Branch            string // the bot branch
	Title             string // the PR title template
	MaxDeletions      int
	AllowMassDeletion bool
}

func planOptionsOf(o *Options) planOptions {
	return planOptions{Branch: o.Branch, Title: o.PullRequest.Title, MaxDeletions: o.MaxDeletions, AllowMassDeletion: o.AllowMassDeletion}
}

// decide is the sync's decision procedure, a pure function of what was
// read (s), the desired tree and the options. When it needs on-demand
// reads it returns them (and the blob SHAs to read) and no plan; the
// caller reads them into s and calls decide again.
func decide(s *state, want *desired, o planOptions) (*plan, need, []string) {
	pl := &plan{PR: s.Open}
	pl.Added, pl.Modified, pl.Deleted = diffFiles(s.Files, want.blobs)
	changed := len(pl.Added)+len(pl.Modified)+len(pl.Deleted) > 0
	pl.CompareURL = compareURL("", s, o.Branch)
	pr := s.Open
	var mk marker
	if pr != nil {
		mk = pr.Marker
	}
	// headOurs: the open PR's head is the commit the marker names, or a
	// commit carrying our trailer (read on demand).
	headOurs := func() (ours, known bool) {
		if pr.Head != "" && pr.Head == mk.head {
			return true, true
		}
		if s.HeadOurs == nil {
			return false, false
		}
		return *s.HeadOurs, true
	}

	if !changed {
		pl.Action = ActionUnchanged
		if pr == nil {
			return pl, 0, nil
		}
		ours, known := headOurs()
		if !known {
			return nil, needHeadCommit, nil
		}
		pl.Action = ActionClosed
		closed := mk
		closed.ok, closed.closedByBot = true, true
		pl.CloseBody = replaceMarker(pr.Body, closed)
		pl.Writes = writes{Comment: closingComment, Close: true, DeleteBranch: ours}
		if !ours {
			pl.Warnings = append(pl.Warnings, fmt.Sprintf("kept branch %s: it holds commits pathwaysync did not make", o.Branch))
		}
		return pl, 0, nil
	}

	upToDate := pr != nil && mk.ok && pr.Head == mk.head && mk.base == s.BaseCommit && mk.fingerprint == want.fingerprint
	// A person's edits of the title or body are kept (markers of older
	// releases carry no hashes: their text is pathwaysync's). A body with
	// no marker was replaced by a person: it is kept unless empty, and the
	// title, which its marker no longer remembers, is kept unless it has
	// pathwaysync's form (the template with a tally).
	humanTitle := pr != nil && (mk.titleHash != "" && textHash(pr.Title) != mk.titleHash ||
		!mk.ok && !templateTitle(o.Title, pr.Title))
	humanBody := pr != nil && strings.TrimSpace(bodyText(pr.Body)) != "" &&
		(mk.bodyHash != "" && textHash(bodyText(pr.Body)) != mk.bodyHash || !mk.ok)

	if upToDate {
		// The branch already holds this tree on this base: at most the
		// title follows a changed template (from the tally in the marker).
		pl.Action, pl.Head = ActionUnchanged, mk.head
		t, ok := parseTally(mk.tally)
		if title := renderTitle(o.Title, t); !humanTitle && (ok || !strings.Contains(o.Title, SummaryPlaceholder)) && pr.Title != title {
			pl.Action, pl.Title = ActionUpdated, title
			pl.Marker, pl.KeepBody = mk, true
			pl.Marker.titleHash = textHash(title)
			pl.Writes.SetTitle, pl.Writes.SetBody = true, true
		}
		return pl, 0, nil
	}

	// What the PR holds against the base, from the entity files (or the
	// manifests' counts); the manifest also serves the guard when
	// pathways are removed.
	removedPathways := 0
	for p := range s.Files {
		if kind, _, ok := entityKey(p); ok && kind == kindPathway {
			if _, keep := want.blobs[p]; !keep {
				removedPathways++
			}
		}
	}
	needM := removedPathways > 0 || len(want.manifest.Pathways) == 0 || !want.full
	var body *sides
	if want.full {
		body = &sides{Old: entityFiles(s.Files, func(b blobRef) string { return b.SHA }), New: want.entities,
			NewData: want.file, Blobs: s.Blobs, MaxReads: maxBodyReads, Titles: want.titles, Namespace: want.namespace}
		if miss := body.missing(); len(miss) > 0 {
			return nil, needBlobs, miss
		}
		needM = needM || body.needsManifest()
	}
	if needM && s.Manifest == nil {
		return nil, needManifest, nil
	}
	var oldM *manifest.Manifest
	if s.Manifest != nil {
		oldM = s.Manifest.M
		if s.Manifest.Err != nil {
			pl.Warnings = append(pl.Warnings, fmt.Sprintf("base %s unreadable, describing every pathway as added: %v", manifest.FileName, s.Manifest.Err))
		}
	}
	if body != nil {
		if s.Manifest != nil {
			body.OldManifest, body.NewManifest = oldM, want.manifest
		}
		pl.Desc = body.describe()
	} else {
		pl.Desc = countsOnly(manifest.Diff(oldM, want.manifest))
	}
	pl.Warnings = append(pl.Warnings, pl.Desc.Problems...)
	pl.Changes = pl.Desc.pathwayChanges()
	tl := pl.Desc.tally()
	pl.Title = renderTitle(o.Title, tl)

	// The mass-deletion guard: before any write, and before the reads
	// that only a write needs.
	if !o.AllowMassDeletion {
		// By name, as the manifests see it: a pathway recognised as
		// renamed still deletes its old files.
		changes := pl.Changes
		if oldM != nil {
			changes = manifest.Diff(oldM, want.manifest)
		}
		if err := guard(oldM, want.manifest, changes, o.MaxDeletions); err != nil {
			pl.Action, pl.Refusal = ActionRefused, err
			return pl, 0, nil
		}
	}

	next := marker{ok: true, fingerprint: want.fingerprint, base: s.BaseCommit, tally: tl.String(),
		titleHash: textHash(pl.Title), entities: markerEntities(s.Files, want.entities)}
	// setTitle keeps a title a person edited.
	setTitle := func() {
		if humanTitle {
			if pl.Title != pr.Title {
				pl.Warnings = append(pl.Warnings, fmt.Sprintf("PR #%d: kept the title a person edited (pathwaysync's would be %q)", pr.Number, pl.Title))
			}
			if mk.titleHash != "" { // else remember the title pathwaysync would set
				next.titleHash = mk.titleHash
			}
			pl.Title = pr.Title
			return
		}
		pl.Writes.SetTitle = pr.Title != pl.Title
	}
	if pr != nil {
		ours, known := headOurs()
		if !known {
			return nil, needHeadCommit, nil
		}
		if humanBody {
			pl.KeepBody = true
			how := "edited"
			if !mk.ok {
				how = "wrote in place of pathwaysync's"
			}
			pl.Warnings = append(pl.Warnings, fmt.Sprintf("PR #%d: kept the description a person %s; only its hidden marker is updated (empty the description to get pathwaysync's back)", pr.Number, how))
		}
		if !mk.ok && ours {
			// The marker is gone but the head is a commit of ours: the
			// delta comment describes this update from it.
			mk.ok, mk.head = true, pr.Head
		}
		if !ours {
			// A person pushed to the bot branch: never force-push over it.
			pl.Action, pl.Head = ActionBlocked, pr.Head
			pl.Warnings = append(pl.Warnings, fmt.Sprintf("branch %s has commit %s that pathwaysync did not make; not overwriting it", o.Branch, short(pr.Head)))
			if mk.warned != pr.Head {
				pl.Writes.Comment = blockedComment(pr.Head, o.Branch)
			}
			// The marker keeps describing the last commit pathwaysync made
			// (its head, base and content), so that a person closing this PR
			// rejects only content that was really in it.
			next.fingerprint, next.base, next.head, next.warned, next.entities = mk.fingerprint, mk.base, mk.head, pr.Head, mk.entities
			setTitle()
			pl.Marker = next
			pl.Writes.SetBody = true
			return pl, 0, nil
		}
		pl.Action = ActionUpdated
		pl.Writes = writes{Commit: true, Branch: branchForce, SetBody: true}
		setTitle()
		pl.Marker = next
		// The delta comment: only when the branch is where the marker says
		// (after an interrupted update it is not, and a comment may already
		// describe it: at most one comment per update).
		if mk.ok && pr.Head == mk.head && mk.fingerprint != want.fingerprint && want.full {
			old := headEntities(s, mk)
			if old == nil {
				return nil, needHeadTree, nil
			}
			delta := &sides{Old: old, New: want.entities, NewData: want.file, Blobs: s.Blobs, MaxReads: maxDeltaReads,
				Titles: want.titles, Namespace: want.namespace}
			if miss := delta.missing(); len(miss) > 0 {
				return nil, needBlobs, miss
			}
			if d := delta.describe(); len(d.Changes) > 0 {
				pl.Delta, pl.DeltaFrom, pl.Writes.Delta = &d, pr.Head, true
			}
		}
		return pl, 0, nil
	}

	if s.Closed == nil {
		return nil, needClosed, nil
	}
	if c := s.Closed.PR; c != nil {
		cm := c.Marker
		// Only content that was the closed PR's head was rejected: a head
		// someone else pushed (a blocked PR) held other content.
		if !c.Merged && cm.ok && !cm.closedByBot && c.Head == cm.head && cm.fingerprint == want.fingerprint {
			pl.Action, pl.PR = ActionRejected, c
			pl.Warnings = append(pl.Warnings, fmt.Sprintf("rejected content: PR #%d (%s) with exactly this content was closed without merging; no new PR until the content changes",
				c.Number, c.URL))
			return pl, 0, nil
		}
		pl.ClosedHead = c.Head
	}
	pl.Action, pl.Marker = ActionCreated, next
	pl.Writes = writes{Commit: true, Branch: branchPlace, CreatePR: true}
	return pl, 0, nil
}

// markerEntities lists the entity files of want that differ from the
// base listing (deleted ones as "-"), or nil when there are too many.
func markerEntities(base map[string]blobRef, want map[string]string) map[string]string {
	out := map[string]string{}
	for p, sha := range want {
		if base[p].SHA != sha {
			out[p] = sha
		}
	}
	for p := range base {
		if _, _, ok := entityKey(p); ok {
			if _, keep := want[p]; !keep {
				out[p] = "-"
			}
		}
	}
	if len(out) > maxMarkerEntities {
		return nil
	}
	for p := range out {
		if !cleanName(p) {
			return nil
		}
	}
	return out
}

// headEntities returns the entity files of the open PR's head (the
// marker's head): the base's overlaid with the marker's list when the
// marker was written on this base, else the head's listing when it was
// read; nil when it must be read.
func headEntities(s *state, mk marker) map[string]string {
	if mk.entities != nil && mk.base == s.BaseCommit {
		out := entityFiles(s.Files, func(b blobRef) string { return b.SHA })
		for p, sha := range mk.entities {
			if sha == "-" {
				delete(out, p)
			} else {
				out[p] = sha
			}
		}
		return out
	}
	if s.HeadFiles != nil {
		return entityFiles(s.HeadFiles, func(b blobRef) string { return b.SHA })
	}
	return nil
}

// diffFiles compares the base folder with the desired blobs; each list is
// sorted. A file with another mode than 100644 counts as modified.
func diffFiles(have map[string]blobRef, want map[string]string) (added, modified, deleted []string) {
	for path, sha := range want {
		switch h, ok := have[path]; {
		case !ok:
			added = append(added, path)
		case h.SHA != sha || h.Mode != "100644":
			modified = append(modified, path)
		}
	}
	for path := range have {
		if _, ok := want[path]; !ok {
			deleted = append(deleted, path)
		}
	}
	slices.Sort(added)
	slices.Sort(modified)
	slices.Sort(deleted)
	return added, modified, deleted
}

// guard is the mass-deletion rule. old is the base manifest (nil when
// absent or unreadable: it manages no pathway); maxDeletions < 0 refuses
// when more than half of the managed pathways would be deleted or the new
// tree holds none, otherwise when more than maxDeletions would be. The
// error wraps ErrMassDeletion and says how to override it.
func guard(old, next *manifest.Manifest, changes []manifest.Change, maxDeletions int) error {
	removed := 0
	for _, c := range changes {
		if c.Type == manifest.Removed {
			removed++
		}
	}
	managed := 0
	if old != nil {
		managed = len(old.Pathways)
	}
	const override = "raise sync.max_deletions or pass --allow-mass-deletion"
	switch {
	case maxDeletions < 0 && len(next.Pathways) == 0:
		return fmt.Errorf("%w: the generated files hold no pathway, so all %d managed pathways would be deleted; %s",
			ErrMassDeletion, managed, override)
	case maxDeletions < 0 && removed*2 > managed:
		return fmt.Errorf("%w: %d of %d managed pathways would be deleted (more than half); %s",
			ErrMassDeletion, removed, managed, override)
	case maxDeletions >= 0 && removed > maxDeletions:
		return fmt.Errorf("%w: %d managed pathways would be deleted, the limit is %d; %s",
			ErrMassDeletion, removed, maxDeletions, override)
	}
	return nil
}

// replaceMarker replaces the last marker of body with m (or appends it).
func replaceMarker(body string, m marker) string {
	if loc := markerRE.FindAllStringIndex(body, -1); len(loc) > 0 {
		last := loc[len(loc)-1]
		return body[:last[0]] + m.String() + body[last[1]:]
	}
	return body + "\n" + m.String() + "\n"
}

func short(sha string) string {
	if len(sha) > 7 {
		return sha[:7]
	}
	return sha
}
