package web_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"

	"landlord/models/storetest"
)

// An auditor in a real browser checks the tenant's chain against a file of
// checkpoints kept elsewhere, at a desk's width and a phone's: the file is
// chosen with the form's own file input, the page says the head is reached.
func TestBrowserVerifiesTheAuditChainAgainstACheckpointFile(t *testing.T) {
	c := newConsole(t, "sqlite")
	ctx := startChromium(t)
	cp, _, err := c.store.CheckpointAuditChain(storetest.System(t.Context()), c.mustTenant("acme"))
	if err != nil {
		t.Fatal(err)
	}
	line, _ := json.Marshal(cp)
	file := filepath.Join(t.TempDir(), "checkpoints.jsonl")
	if err := os.WriteFile(file, append(line, '\n'), 0o600); err != nil {
		t.Fatal(err)
	}
	run(t, ctx, c.signInSteps("acme.localhost", "admin@acme.example")...)
	for _, width := range []int64{1280, 390} {
		run(t, ctx, chromedp.EmulateViewport(width, 900),
			chromedp.Navigate(c.page("acme.localhost", "/audit/verify")), chromedp.WaitVisible(byTestID("checkpoint-form")),
			chromedp.SetUploadFiles(`[data-testid="checkpoint-file"]`, []string{file}),
			chromedp.Click(byTestID("checkpoint-verify")), chromedp.WaitVisible(byTestID("checkpoint-table")))
		if n := countOf(t, ctx, `[data-testid="checkpoint-row"][data-reached="true"]`); n != 1 {
			t.Fatalf("at %d px: %d checkpoint rows reached, want acme's one", width, n)
		}
		if w := value(t, ctx, chromedp.Evaluate[int64]("document.documentElement.scrollWidth")); w > width {
			t.Fatalf("at %d px the page is %d px wide", width, w)
		}
		shot(t, ctx, fmt.Sprintf("audit-verify-checkpoint-%d", width))
	}
}
