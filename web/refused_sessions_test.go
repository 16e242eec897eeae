package web_test

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"landlord/models"
	"landlord/models/storetest"
)

// stoppedClock holds the store's clock at a moment of its own, 10 s into a
// minute, so a burst of requests falls in one minute; move steps it.
type stoppedClock struct{ at atomic.Int64 }

func stopClock(c *console) *stoppedClock {
	k := &stoppedClock{}
	k.at.Store(time.Now().UTC().Truncate(time.Minute).Add(10 * time.Second).UnixNano())
	c.store.SetClock(func() time.Time { return time.Unix(0, k.at.Load()).UTC() })
	return k
}

func (k *stoppedClock) move(d time.Duration) { k.at.Add(int64(d)) }

// refusedEvents are host tenant sub's session.refused events, newest first,
// with their details read.
func (c *console) refusedEvents(sub string) ([]models.AuditEvent, []refusal) {
	c.t.Helper()
	evs, _, err := c.store.AuditPage(c.tenantCtx(sub), models.AuditFilter{Action: models.ActionSessionRefused})
	if err != nil {
		c.t.Fatal(err)
	}
	details := make([]refusal, len(evs))
	for i, e := range evs {
		if err := json.Unmarshal([]byte(e.Details), &details[i]); err != nil {
			c.t.Fatalf("event %d's details %q: %v", e.ID, e.Details, err)
		}
	}
	return evs, details
}

type refusal struct {
	Repeats      int    `json:"repeats"`
	RepeatsSince string `json:"repeats_since"`
	Refusals     int    `json:"refusals"`
}

// refusedRows counts tenant sub's rows in the refusal counts.
func (c *console) refusedRows(sub string) int {
	c.t.Helper()
	tn, err := c.store.TenantBySubdomain(c.tenantCtx(sub), sub)
	if err != nil {
		c.t.Fatal(err)
	}
	n := 0
	for _, id := range storetest.Column(c.t, c.store, "refused_sessions", "tenant_id") {
		if id == strconv.FormatUint(tn.ID, 10) {
			n++
		}
	}
	return n
}

// presentAt sends cookie to host from a client of its own, as a script
// replaying a copied cookie would, and returns the status and Location.
func (c *console) presentAt(host string, cookie *http.Cookie) (int, string, error) {
	req, _ := http.NewRequest(http.MethodGet, "http://"+host+":"+c.url.Port()+"/", nil)
	req.AddCookie(&http.Cookie{Name: cookie.Name, Value: cookie.Value})
	res, err := c.browser().client.Do(req)
	if err != nil {
		return 0, "", err
	}
	res.Body.Close()
	return res.StatusCode, res.Header.Get("Location"), nil
}

func TestAFloodOfOneForeignCookieMakesOneEventAMinute(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		clock := stopClock(c)
		acme := c.browser()
		acme.signedIn("acme.localhost", "admin@acme.example")
		cookie := acme.sessionCookie("acme.localhost")

		var wg sync.WaitGroup
		answers := make(chan string, 50)
		for range 50 {
			wg.Go(func() {
				status, loc, err := c.presentAt("beta.localhost", cookie)
				if err != nil {
					answers <- err.Error()
					return
				}
				answers <- strconv.Itoa(status) + " " + loc
			})
		}
		wg.Wait()
		close(answers)
		for a := range answers {
			if a != "303 /login" {
				t.Errorf("a refused request got %q, want 303 /login", a)
			}
		}
		evs, _ := c.refusedEvents("beta")
		if len(evs) != 1 {
			t.Fatalf("50 parallel refusals of one session made %d events, want 1", len(evs))
		}
		acmeTenant, err := c.store.TenantBySubdomain(c.tenantCtx("acme"), "acme")
		if err != nil {
			t.Fatal(err)
		}
		if evs[0].TargetID != "of tenant "+strconv.FormatUint(acmeTenant.ID, 10) {
			t.Errorf("the event names %q", evs[0].TargetID)
		}

		// The person is still told, on the login page the refusal leads to.
		person := c.browser()
		res := person.call(http.MethodGet, "beta.localhost", "/", "", "Cookie", cookie.Name+"="+cookie.Value)
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/login" {
			t.Fatalf("the 51st refusal: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
		if got := doc(t, person.get("beta.localhost", "/login")).Text(); !strings.Contains(got, "belongs to another tenant's address") {
			t.Error("no refusal message on the login page")
		}
		if evs, _ := c.refusedEvents("beta"); len(evs) != 1 {
			t.Fatalf("the 51st refusal in the same minute made %d events, want 1", len(evs))
		}

		// The next minute's first refusal is an event again, telling the 50
		// that the first one's did not.
		first := time.Unix(0, clock.at.Load()).UTC().Truncate(time.Minute)
		clock.move(time.Minute)
		if status, loc, err := c.presentAt("beta.localhost", cookie); err != nil || status != http.StatusSeeOther || loc != "/login" {
			t.Fatalf("a refusal the next minute: %d %s %v", status, loc, err)
		}
		evs, details := c.refusedEvents("beta")
		if len(evs) != 2 {
			t.Fatalf("the next minute: %d events, want 2", len(evs))
		}
		if details[0].Repeats != 50 || details[0].RepeatsSince != first.Format(time.RFC3339) {
			t.Errorf("the next minute's event tells %d repeats since %q, want 50 since %s", details[0].Repeats, details[0].RepeatsSince, first.Format(time.RFC3339))
		}
		if details[1].Repeats != 0 {
			t.Errorf("the first event tells %d repeats", details[1].Repeats)
		}
		// Nothing of it lands anywhere else, and beta's chain holds.
		for _, sub := range []string{"acme", "master"} {
			if evs, _ := c.refusedEvents(sub); len(evs) != 0 {
				t.Errorf("%s's log has %d refusals", sub, len(evs))
			}
		}
		if check, err := c.store.VerifyAuditChain(c.tenantCtx("beta")); err != nil || check.BrokenID != 0 {
			t.Errorf("beta's chain: %+v %v", check, err)
		}
	})
}

func TestManyForeignSessionsWriteABoundedNumberOfEventsAndRows(t *testing.T) {
	forEachDB(t, func(t *testing.T, c *console) {
		clock := stopClock(c)
		// An outsider mints sessions of their own tenant by signing in again and again.
		const minted = models.RefusedEventsPerMinute + 3
		var cookies []*http.Cookie
		for range minted {
			b := c.browser()
			b.signedIn("acme.localhost", "admin@acme.example")
			cookies = append(cookies, b.sessionCookie("acme.localhost"))
		}
		present := func(cookie *http.Cookie) {
			t.Helper()
			if status, loc, err := c.presentAt("beta.localhost", cookie); err != nil || status != http.StatusSeeOther || loc != "/login" {
				t.Fatalf("a refusal: %d %s %v", status, loc, err)
			}
		}
		for _, ck := range cookies {
			present(ck)
			present(ck)
		}
		evs, _ := c.refusedEvents("beta")
		if len(evs) != models.RefusedEventsPerMinute {
			t.Errorf("%d sessions in one minute made %d events, want the limit, %d", minted, len(evs), models.RefusedEventsPerMinute)
		}
		if rows := c.refusedRows("beta"); rows > models.RefusedEventsPerMinute+1 {
			t.Errorf("beta holds %d rows of refusal counts after one minute, want at most %d", rows, models.RefusedEventsPerMinute+1)
		}

		// The next minute one event tells what the limit left untold (the
		// three sessions past it, twice each), then the minute fills again:
		// the three new to beta, then seven it knows, each with its repeat.
		clock.move(time.Minute)
		present(cookies[12])
		evs, details := c.refusedEvents("beta")
		if len(evs) != models.RefusedEventsPerMinute+2 || evs[1].TargetID != "not recorded one by one" || details[1].Refusals != 6 {
			t.Fatalf("the next minute: %d events, the one before the newest %q %+v, want %d and the summary of 6 refusals",
				len(evs), evs[1].TargetID, details[1], models.RefusedEventsPerMinute+2)
		}
		for _, ck := range append([]*http.Cookie{cookies[10], cookies[11]}, cookies[:7]...) {
			present(ck)
		}
		// The limit is reached: a session beta knows gets no event either;
		// the refusal waits in the counts for the next minute's summary.
		present(cookies[7])
		evs, details = c.refusedEvents("beta")
		if len(evs) != 2*models.RefusedEventsPerMinute+1 {
			t.Fatalf("the second minute: %d events, want %d", len(evs), 2*models.RefusedEventsPerMinute+1)
		}
		repeated := 0
		for _, d := range details[:models.RefusedEventsPerMinute] {
			if d.Repeats == 1 {
				repeated++
			}
		}
		if repeated != 7 {
			t.Errorf("%d of the second minute's events tell a repeat, want the 7 sessions seen twice in the first", repeated)
		}
		if rows := c.refusedRows("beta"); rows > 2*models.RefusedEventsPerMinute+1 {
			t.Errorf("beta holds %d rows, want at most %d", rows, 2*models.RefusedEventsPerMinute+1)
		}

		// A minute later the rows whose last event is two minutes old are
		// gone, their untold repeats told once (the eighth session's two,
		// the ninth's and tenth's one each); the previous minute's stay.
		clock.move(time.Minute)
		present(cookies[8])
		if rows := c.refusedRows("beta"); rows != 12 {
			t.Errorf("beta holds %d rows, want 12 (its own, the previous minute's ten, the one now)", rows)
		}
		evs, details = c.refusedEvents("beta")
		if len(evs) != 2*models.RefusedEventsPerMinute+3 {
			t.Fatalf("later: %d events, want %d", len(evs), 2*models.RefusedEventsPerMinute+3)
		}
		if evs[1].TargetID != "not recorded one by one" || details[1].Refusals != 4 || details[0].Repeats != 0 {
			t.Errorf("the forgotten sessions' repeats: %q %+v then %+v, want a summary of 4 refusals, then an event of none", evs[1].TargetID, details[1], details[0])
		}
		if check, err := c.store.VerifyAuditChain(c.tenantCtx("beta")); err != nil || check.BrokenID != 0 {
			t.Errorf("beta's chain: %+v %v", check, err)
		}
	})
}
