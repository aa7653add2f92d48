package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pathwaysync/pathwaysync/internal/ghemu"
)

// writePathways writes n canonical YAML pathways into dir.
func writePathways(tb testing.TB, dir string, n int, extraSkill string) {
	tb.Helper()
	for i := 0; i < n; i++ {
		skills := "  - Own a service end to end\n  - Review designs\n"
		if i == 0 && extraSkill != "" {
			skills += "  - " + extraSkill + "\n"
		}
		doc := fmt.Sprintf(`apiVersion: pathwaysync.dev/v1
kind: Pathway
title: Level %[1]d Engineer to Level %[2]d Engineer
from: {title: Level %[1]d Engineer}
to: {title: Level %[2]d Engineer}
duration: {minMonths: 12, maxMonths: 24, text: 12-24 months}
discipline: Engineering
summary: Grow from level %[1]d to level %[2]d.
skills:
%[3]sbehaviours:
  - Shares context early.
projects:
  - Lead a migration.
`, i, i+1, skills)
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("p%04d.yaml", i)), []byte(doc), 0o644); err != nil {
			tb.Fatal(err)
		}
	}
}

// BenchmarkWebhookToPR measures, for 100 pathways, the time from a signed
// push webhook reaching `pathwaysync serve` (in-process, real wiring) to
// the bot PR on the GitHub emulator pointing at the new commit.
func BenchmarkWebhookToPR(b *testing.B) {
	emu := ghemu.New()
	defer emu.Close()
	emu.AddToken(e2eToken, true)
	emu.CreateRepo(e2eRepo, "main")
	if _, err := emu.Commit(e2eRepo, "main", map[string][]byte{"README.md": []byte("x\n")}, "initial"); err != nil {
		b.Fatal(err)
	}
	src := b.TempDir()
	writePathways(b, src, 100, "")
	addr := freeAddr(b)
	env := e2eEnv(b, emu, src, "PATHWAYSYNC_SERVER_ADDR="+addr, "PATHWAYSYNC_SERVER_WEBHOOK_SECRET="+e2eSecret,
		"PATHWAYSYNC_SERVER_WEBHOOK_REPOSITORIES="+e2eSources, "PATHWAYSYNC_SERVER_LOG_LEVEL=error", "PATHWAYSYNC_SYNC_SCHEDULE=1h")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int)
	go func() {
		done <- runWith(ctx, &app{stdout: io.Discard, stderr: io.Discard, environ: env}, []string{"serve"})
	}()
	defer func() { cancel(); <-done }()
	base := "http://" + addr
	deadline := time.Now().Add(30 * time.Second)
	for get(base+"/readyz") != http.StatusOK {
		if time.Now().After(deadline) {
			b.Fatal("daemon not ready")
		}
		time.Sleep(10 * time.Millisecond)
	}
	payload := []byte(`{"ref":"refs/heads/main","repository":{"full_name":"` + e2eSources + `"},"commits":[{"modified":["p.yaml"]}]}`)
	prHead := func() string {
		for _, pr := range emu.PullRequests(e2eRepo) {
			if pr.State == "open" {
				return pr.HeadSHA
			}
		}
		return ""
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		before := prHead()
		writePathways(b, src, 1, fmt.Sprintf("Skill number %d", i))
		req, _ := http.NewRequest(http.MethodPost, base+"/webhooks/github", strings.NewReader(string(payload)))
		req.Header.Set("X-GitHub-Event", "push")
		req.Header.Set("X-GitHub-Delivery", fmt.Sprintf("bench-%d", i))
		req.Header.Set("X-Hub-Signature-256", sign(payload))
		resp, err := http.DefaultClient.Do(req)
		if err != nil || resp.StatusCode != http.StatusAccepted {
			b.Fatalf("webhook: %v %v", err, resp)
		}
		resp.Body.Close()
		for prHead() == before {
			if time.Now().After(deadline.Add(time.Duration(i+1) * 5 * time.Second)) {
				b.Fatal("PR not updated")
			}
			time.Sleep(time.Millisecond)
		}
	}
}
