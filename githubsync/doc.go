// Package githubsync makes one folder of a GitHub repository match a
// generated tree of files through a single pull request, with as few API
// requests as possible and never writing outside that folder.
//
// A Publish is observe → decide → apply:
//
//   - observe reads into one state: the base branch, the managed subtree
//     and the open bot PR (steps 1 and 2), and, only when decide asks for
//     them, the old entity files that describe the change, the base
//     manifest blob, the open PR's head commit or listing and the latest
//     closed bot PR;
//   - decide is a pure function from that state and the desired files to a
//     plan: an Action (ActionCreated, ActionUpdated, ActionClosed,
//     ActionUnchanged, ActionBlocked, ActionRefused, ActionRejected), the
//     file and pathway changes, the PR title, the warnings and the writes;
//     the mass-deletion guard is part of it;
//   - apply performs the writes in a fixed order (comment, close, tree and
//     commit, branch, delta comment, create PR, edit PR, delete branch).
//
// A dry run decides and does not apply: Result.Action is ActionDryRun and
// Result.Planned the action a real sync would take. The rules, in the
// order decide applies them:
//
//  1. GET branches/BASE gives the base head commit and its root tree in one
//     request; GET git/trees/{base}:{path}?recursive=1 reads only the managed
//     subtree (404: the folder is absent). Git blob SHA-1s of the desired
//     files are computed locally and compared: added, modified, deleted
//     (deletions only for blobs present in the base subtree). The
//     fingerprint of the desired content is the git tree SHA of the folder.
//     Past GitHub's listing limits (100,000 entries or 7 MB, about 9,000
//     pathways) the folder is compared folder by folder: each level is
//     listed without recursion, a subfolder whose tree SHA equals the
//     desired folder's (computed locally) holds exactly the desired files
//     and is not read, and only folders that differ are read.
//  2. GET pulls?head=OWNER:BRANCH&base=BASE&state=open finds the bot PR.
//  3. No difference from base: nothing is written, except that an open bot
//     PR is commented on, closed (its marker records closed=bot, so it is
//     not mistaken for a human rejection) and its branch deleted, because
//     its content was absorbed (ActionClosed). A branch holding someone
//     else's commit is kept.
//  4. The PR body ends with a hidden marker
//     <!-- pathwaysync:v1 fingerprint=F base=B head=H title=T body=D n=C e=E -->:
//     F, B and H say which content the commit H pathwaysync made holds
//     on which base; T and D hash the title and body text pathwaysync last
//     set (a person's edit of either is kept: only the marker is replaced);
//     a non-empty body without a marker was replaced by a person and is
//     kept too (the marker is appended, and the title kept unless it has
//     the template's form), with a warning; an emptied body is
//     pathwaysync's to fill again. C is the tally the title was made from and E the entity files of H
//     that differ from B (at most 20). When the PR head is H, B is the
//     current base and F the desired fingerprint, the branch already holds
//     this tree on this base: nothing is written (ActionUnchanged;
//     ActionUpdated when only the title template changed).
//  5. Otherwise the change is described (see "PR description" below) and
//     the mass-deletion guard, which reads the base manifest when
//     pathways are removed, refuses before any write (ActionRefused:
//     Publish returns an *Error matching ErrMassDeletion). Then the tree:
//     POST git/trees with base_tree = base root tree, only changed paths,
//     inline content, sha null for deletions, in bodies of at most
//     Options.TreeRequestBytes (1 MiB; github.com refuses about 2.5 MB),
//     each based on the tree the previous one made; a body refused as too
//     large (422 "too large to process", 502, 504) is sent again as smaller
//     ones, and a file too large for any body is uploaded as a blob. Then
//     ONE POST git/commits of the last tree on the base head, so a PR
//     gets one commit per update at any size. Its message carries a "Pathwaysync-Fingerprint:" trailer, which
//     marks commits pathwaysync made.
//  6. Moving the bot branch (the commit point of a sync). The new commit is
//     built on the base head, so it is never a fast-forward of the old bot
//     commit; the rules are:
//     - open PR whose head is the marker's head (or a commit carrying our
//     trailer): the branch holds only our own work, so it is updated with
//     force (ActionUpdated). REST has no compare-and-swap for refs, so the
//     window between our read and this write is the one race left: two
//     syncs racing here each write a complete tree and the last ref write
//     wins; if the body then names the other commit, the next sync sees a
//     head carrying our trailer and rebuilds, so the branch always holds
//     one whole tree;
//     - open PR whose head is someone else's commit: ActionBlocked. Nothing
//     is committed or pushed; the PR gets one warning comment per foreign
//     head, and its title and body are kept current. Publish returns the
//     Result (with the files that would change) and a nil error;
//     - no open PR: POST git/refs creates the branch; on 422 "Reference
//     already exists" the branch is re-read: if its head is our commit with
//     the same tree on the same base it is adopted as is (a racing sync won),
//     if it is another commit of ours, or the head of the last closed bot
//     PR (which keeps it reachable), it is force-updated (a stale, merged or
//     rejected bot branch), and if any other commit is there the sync stops
//     with ErrForeignBranch rather than overwrite it.
//  7. The PR is found or created (a 422 "already exists" is success: it is
//     looked up); title and body are patched only when they differ. On
//     creation labels and reviewers are added; a reviewer that cannot be
//     requested and a repository without drafts become warnings. When an
//     open PR whose head is the marker's gets a new commit, one comment
//     says what changed relative to that previous head, with a hidden
//     <!-- pathwaysync:delta from=OLD to=NEW --> marker. It is posted after
//     the branch moved and before the body records the new head, so a
//     rerun after an interruption (the head is then not the marker's)
//     posts none. Its POST is not retried blindly: after a failure that
//     leaves open whether GitHub created it (no answer, a 5xx), the sync
//     waits until GitHub is done with the request (its REST timeout is
//     10 s), reads the PR's newest comments (1 to 3 requests) and posts
//     again only when none carries the marker. So at most one comment per
//     update, and the normal path costs one request. No content change,
//     no comment. The warning and closing comments carry a marker too
//     (<!-- pathwaysync:blocked head=H -->) and are posted the same way.
//  8. Before creating a PR, the most recent closed bot PR is read: if a
//     human closed it unmerged, its head was the commit its marker names
//     (pathwaysync's own) and that commit's fingerprint equals the desired
//     one, nothing is done (ActionRejected, with a warning) until the
//     content differs from what was rejected. Content that never reached
//     the closed PR's head (a blocked PR, whose head is someone else's
//     commit) was not rejected and gets a new PR.
//
// PR description: the body describes the PR against the base per
// pathway and role. Each pathway's Component file carries its content
// under spec.pathway; the old file is read by blob SHA (at most 20 for the
// body: changed pathways, then removed pathways and roles; 10 for a delta
// comment) and compared with the desired file: fields before → after
// (duration, summary, roles), items removed, added and changed (a book
// retitled), quoted, cut to 120 characters and escaped for GitHub
// Markdown. A pathway removed and one added are one "Renamed" entry
// when they share their source (spec.pathway.source); when both sources
// are known and differ (the page moved too), only when at least 80% of
// their items (of at least 5, over every section) are equal; without
// sources, when they share their from and to roles or most items. Roles
// likewise (same page link, or swapped in a renamed pathway). Old files without the full content (earlier
// releases), and pathways past the cap, are described by the manifests'
// counts. Budgets: 6 entries per section, 12 lines or 4,000 bytes per
// pathway, then "and N more"; the list of pathways stops before the
// body's budget and the file list collapses to its counts, so a body is
// always below GitHub's 65,536 characters. The title is
// PullRequestOptions.Title with "{summary}" replaced by the tally, e.g.
// "Learning pathways: 2 changed, 1 added". Options.BackstageURL adds
// links to the catalog and to each entity page.
//
// Failures: every permanent condition reaches the caller as an *Error in
// the error chain, matching its sentinel with errors.Is; Error.Reason
// names the class, Error.Permanent says whether only a person can fix it
// and Error.RetryAt when a rate limit lifts.
//
// Request budget, independent of the number of files: an unchanged rerun
// is 3 requests (branch, subtree, pulls) and no write; a one-pathway
// change with the PR open is at most 10 (plus the pathway's old file on
// the base and on the PR's previous head, tree, commit, ref, delta
// comment, PR edit); a change of every pathway at most 40. Files of an
// exporter that wrote counts only cost 8 (the manifest instead of the
// old files, no comment). With Options.BaseBranch empty, the first
// Publish of a Publisher adds one GET /repos for the default branch.
// Files that are not valid UTF-8, or larger than a create-tree body,
// cost one blob upload each. The tree costs one POST git/trees per
// Options.TreeRequestBytes of changed content (a first sync of 2,000
// pathways, 50 MiB, is 50), so requests grow with the bytes that changed,
// not with the folder. Past the listing limit, the reads are the folder's
// and each differing subfolder's entries: an unchanged rerun of 10,000
// pathways is 3 requests (5 while a PR changes one pathway).
//
// Memory: PublishTree takes a Tree read on request (Publish's map is one):
// each file is read once to hash it and again only when it is written into
// a request body, so a caller may keep the tree compressed. Bodies are
// written into one buffer of at most Options.TreeRequestBytes and sent as
// a rewindable reader; a retry sends the same bytes without a copy.
//
// HTTP: every request goes through one client built in NewClient:
// go-github v60 over go-retryablehttp (PassthroughErrorHandler, so
// go-github sees GitHub's answers). 5xx and network errors are retried with
// capped exponential backoff (except a create-tree 502 or 504, answered with
// smaller bodies, and a comment, checked for as rule 7 says); a primary rate limit (403/429 with
// X-RateLimit-Remaining: 0) waits until X-RateLimit-Reset and a secondary
// one for Retry-After (else 60 s), both only up to ClientOptions.MaxRateWait,
// beyond which the error carries the wait (RetryAfter); other 4xx are not
// retried. go-github's local refusal until a remembered reset is waited
// out the same way. Each attempt has its own timeout under the caller's
// ctx. Writes are sent one at a time per Client, paced one second apart
// (except against a loopback emulator). Errors are *Error values
// classified as transient or permanent; tokens and keys never appear in
// errors or logs.
package githubsync
