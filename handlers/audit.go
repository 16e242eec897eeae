package handlers

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"landlord/models"
	"landlord/views"
)

// dateTimeLocal is how a datetime-local field sends its value.
const dateTimeLocal = "2006-01-02T15:04"

// auditFilter reads the log's filter from the query: what was typed (kept
// as typed), the model's filter, and a message by any time that is not one.
func auditFilter(c echo.Context) (views.AuditFilterForm, models.AuditFilter, map[string]string) {
	form := views.AuditFilterForm{
		Actor: c.QueryParam("actor"), Action: c.QueryParam("action"), TargetType: c.QueryParam("target_type"),
		TargetID: c.QueryParam("target_id"), Outcome: c.QueryParam("outcome"), From: c.QueryParam("from"), To: c.QueryParam("to"),
	}
	f := models.AuditFilter{Actor: form.Actor, Action: form.Action, TargetType: form.TargetType, TargetID: form.TargetID, Outcome: form.Outcome}
	errs := map[string]string{}
	for _, t := range []struct {
		field, value string
		into         **time.Time
	}{{"from", form.From, &f.From}, {"to", form.To, &f.To}} {
		if t.value == "" {
			continue
		}
		at, err := time.Parse(dateTimeLocal, t.value)
		if err != nil {
			errs[t.field] = "Enter a date and time like 2026-11-25T14:30."
			continue
		}
		*t.into = &at
	}
	// A cursor that is no id (tampered, or beyond any id) shows the newest page.
	if b, ok := ParseID(c.QueryParam("before")); ok {
		f.Before = b
	}
	return form, f, errs
}

// auditQuery is the filter as a query string, without the page.
func auditQuery(form views.AuditFilterForm) url.Values {
	q := url.Values{}
	for k, v := range map[string]string{"actor": form.Actor, "action": form.Action, "target_type": form.TargetType,
		"target_id": form.TargetID, "outcome": form.Outcome, "from": form.From, "to": form.To} {
		if v != "" {
			q.Set(k, v)
		}
	}
	return q
}

// filteredWords says how the log was filtered, for the page.
func filteredWords(form views.AuditFilterForm) string {
	var parts []string
	add := func(label, v string) {
		if v != "" {
			parts = append(parts, fmt.Sprintf("%s is %q", label, v))
		}
	}
	add("actor", form.Actor)
	add("action", form.Action)
	add("target type", form.TargetType)
	add("target", form.TargetID)
	add("outcome", form.Outcome)
	add("time from (UTC)", form.From)
	add("time before (UTC)", form.To)
	return strings.Join(parts, ", ")
}

func auditRow(e *models.AuditEvent) views.AuditRow {
	return views.AuditRow{ID: e.ID, Time: e.OccurredAt.UTC().Format("2006-01-02 15:04:05"), Actor: e.ActorName, Impersonator: e.ImpersonatorName,
		Action: e.Action, TargetType: e.TargetType, TargetID: e.TargetID, Outcome: e.Outcome, IP: e.IP}
}

// Audit is the host tenant's audit log.
func Audit(store *models.Store) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx := c.Request().Context()
		v := VisitorFrom(ctx)
		form, f, errs := auditFilter(c)
		list := views.AuditList{Filter: form, Errors: errs, Actions: models.AuditActions, Filtered: filteredWords(form),
			CanExport: v.User.Level(models.FeatureExport) >= models.LevelRead}
		q := auditQuery(form)
		list.Query = q.Encode()
		status := http.StatusOK
		if len(errs) > 0 {
			status = http.StatusUnprocessableEntity
		} else {
			events, older, err := store.AuditPage(ctx, f)
			if err != nil {
				return err
			}
			for i := range events {
				list.Events = append(list.Events, auditRow(&events[i]))
			}
			if f.Before > 0 {
				list.Before = strconv.FormatUint(f.Before, 10)
			}
			if older > 0 {
				next := auditQuery(form)
				next.Set("before", strconv.FormatUint(older, 10))
				list.Older = next.Encode()
			}
		}
		if list.PastEnd() {
			status = http.StatusNotFound // as a list's page past the last one
		}
		return Render(c, status, views.AuditPage(PageFor(v, "Audit log"), list))
	}
}

// AuditEvent shows one event of the host tenant with what it changed.
func AuditEvent(store *models.Store) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx := c.Request().Context()
		id, err := pathID(c)
		if err != nil {
			return err
		}
		e, err := store.AuditEventByID(ctx, id)
		if err != nil {
			return err
		}
		view := views.AuditEventView{AuditRow: auditRow(e), UserAgent: e.UserAgent, Hash: e.Hash, Details: e.Details, Changes: auditChanges(e.Details)}
		return Render(c, http.StatusOK, views.AuditEventPage(below(PageFor(VisitorFrom(ctx), "Audit event"), "Event "+strconv.FormatUint(e.ID, 10), auditCrumb), view))
	}
}

// auditChanges reads the {"field":{"before":…,"after":…}} details of a
// change; other details give none and are shown as they are.
func auditChanges(details string) []views.AuditChange {
	var m map[string]struct {
		Before *json.RawMessage `json:"before"`
		After  *json.RawMessage `json:"after"`
	}
	if json.Unmarshal([]byte(details), &m) != nil {
		return nil
	}
	var out []views.AuditChange
	show := func(r *json.RawMessage) string {
		if r == nil {
			return ""
		}
		var s string
		if json.Unmarshal(*r, &s) == nil {
			return s
		}
		return string(*r)
	}
	for field, ch := range m {
		if ch.Before == nil && ch.After == nil {
			return nil // not a change record
		}
		out = append(out, views.AuditChange{Field: field, Before: show(ch.Before), After: show(ch.After)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Field < out[j].Field })
	return out
}

// MaxCheckpointUpload caps a checkpoint file uploaded to the verify page:
// about 700 lines of checkpoints, a tenant's daily ones for two years.
// Larger files are for landlord audit verify --checkpoint.
const MaxCheckpointUpload = 256 << 10

// AuditVerify checks the host tenant's chain of events.
func AuditVerify(store *models.Store) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx := c.Request().Context()
		check, err := store.VerifyAuditChain(ctx)
		if err != nil {
			return err
		}
		return Render(c, http.StatusOK, views.AuditVerifyPage(below(PageFor(VisitorFrom(ctx), "Audit chain"), "Verify the chain", auditCrumb), auditVerifyView(check)))
	}
}

func auditVerifyView(check models.ChainCheck) views.AuditVerify {
	return views.AuditVerify{Checked: check.Checked, BrokenID: check.BrokenID, Reason: check.Reason, UploadLimit: "256 KiB"}
}

// AuditVerifyCheckpoints checks the host tenant's chain against an uploaded
// checkpoint file: the tenant's own lines are verified, other tenants'
// ignored (their signatures too, so the page tells nothing of them).
func AuditVerifyCheckpoints(store *models.Store) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx := c.Request().Context()
		page := below(PageFor(VisitorFrom(ctx), "Audit chain"), "Verify the chain", auditCrumb)
		refuse := func(status int, msg string) error {
			check, err := store.VerifyAuditChain(ctx)
			if err != nil {
				return err
			}
			v := auditVerifyView(check)
			v.UploadError = msg
			return Render(c, status, views.AuditVerifyPage(page, v))
		}
		fh, err := c.FormFile("checkpoint")
		if err != nil {
			return refuse(http.StatusUnprocessableEntity, "Choose a checkpoint file, as landlord audit checkpoint prints it.")
		}
		if fh.Size > MaxCheckpointUpload {
			return refuse(http.StatusRequestEntityTooLarge, "The file is larger than 256 KiB. Upload this tenant's lines only, or check the whole file with landlord audit verify --checkpoint.")
		}
		f, err := fh.Open()
		if err != nil {
			return err
		}
		defer f.Close()
		lines, err := models.ReadAuditCheckpoints(io.LimitReader(f, MaxCheckpointUpload))
		if err != nil {
			return refuse(http.StatusUnprocessableEntity, "The file is not a checkpoint file: "+err.Error()+".")
		}
		rep, err := store.VerifyAuditCheckpoints(ctx, lines)
		if err != nil {
			return err
		}
		v := auditVerifyView(rep.Chain)
		cps := &views.AuditCheckpoints{Others: rep.Others, Unreadable: rep.Unreadable}
		for _, r := range rep.Results {
			cps.Results = append(cps.Results, views.AuditCheckpointResult{Line: r.Line, HeadID: r.Checkpoint.HeadID,
				At: r.Checkpoint.At.UTC().Format("2006-01-02 15:04:05"), Reached: r.Reached, Reason: r.Reason})
		}
		v.Checkpoints = cps
		page.Flashes = append(page.Flashes, checkpointsFlash(cps))
		return Render(c, http.StatusOK, views.AuditVerifyPage(page, v))
	}
}

// checkpointsFlash sums up an uploaded file's check for the top of the page.
func checkpointsFlash(cps *views.AuditCheckpoints) views.Flash {
	missed := 0
	for _, r := range cps.Results {
		if !r.Reached {
			missed++
		}
	}
	switch {
	case len(cps.Results) == 0:
		return views.Flash{Kind: "error", Text: "The file holds no checkpoint of this tenant: nothing was verified against it."}
	case missed > 0:
		return views.Flash{Kind: "error", Text: fmt.Sprintf("%d of %d checkpoints not reached: the log lost or changed events since.", missed, len(cps.Results))}
	}
	return views.Flash{Kind: "success", Text: fmt.Sprintf("%d of %d checkpoints reached: the log holds every event they saw.", len(cps.Results), len(cps.Results))}
}

// AuditExport streams the host tenant's events matching the filter, newest
// first, as CSV (the default, ?format=csv) or JSON lines (?format=jsonl). It needs audit: read
// as well as the route's export: read.
func AuditExport(store *models.Store) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx := c.Request().Context()
		v := VisitorFrom(ctx)
		if v.User.Level(models.FeatureAudit) < models.LevelRead {
			return echo.ErrForbidden
		}
		_, f, errs := auditFilter(c)
		if len(errs) > 0 {
			return echo.NewHTTPError(http.StatusUnprocessableEntity, "The time filter is not a date and time.")
		}
		f.Before = 0
		name := v.Tenant.Subdomain + "-audit"
		format, err := exportFormat(c)
		if err != nil {
			return err
		}
		if format == "jsonl" {
			return streamJSONLines(c, name+".jsonl", func(emit func(any) error) error {
				return store.EachAuditEvent(ctx, f, func(e *models.AuditEvent) error { return emit(e) })
			})
		}
		header := []string{"id", "time", "actor", "impersonator", "action", "target_type", "target_id", "outcome", "ip", "details", "hash"}
		return streamCSV(c, name+".csv", header, func(emit func([]string) error) error {
			return store.EachAuditEvent(ctx, f, func(e *models.AuditEvent) error {
				return emit([]string{strconv.FormatUint(e.ID, 10), e.OccurredAt.UTC().Format(time.RFC3339), e.ActorName, e.ImpersonatorName,
					e.Action, e.TargetType, e.TargetID, e.Outcome, e.IP, e.Details, e.Hash})
			})
		})
	}
}
