package handlers

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"landlord/models"
	"landlord/views"
)

const usageFormatHint = "YYYY-MM-DD for a day, YYYY-MM for a month"

// usagePeriod reads the period a usage page or download is for: ?day= or
// ?month=, each taking YYYY-MM-DD or YYYY-MM (the text field a browser without
// a date picker shows), today when neither is given. The fields come back
// with the person's values and, when refused, a message by the field.
func usagePeriod(c echo.Context, today time.Time) (p models.UsagePeriod, day, month views.Field, ok bool) {
	day = views.Field{Name: "day", Label: "Day (UTC)", Type: "date", Hint: usageFormatHint, Value: strings.TrimSpace(c.QueryParam("day"))}
	month = views.Field{Name: "month", Label: "Month (UTC)", Type: "month", Hint: usageFormatHint, Value: strings.TrimSpace(c.QueryParam("month"))}
	field := &day
	if day.Value == "" && month.Value != "" {
		field = &month
	}
	if field.Value == "" {
		day.Value = today.Format(time.DateOnly)
		return models.UsagePeriod{Day: today}, day, month, true
	}
	p, ok = models.ParseUsagePeriod(field.Value)
	if !ok {
		// A date or month input cannot hold what was typed: a text field
		// gives it back to be corrected.
		field.Type = "text"
		field.Error = "Enter a day as YYYY-MM-DD or a month as YYYY-MM, for example " + today.Format(time.DateOnly) + " or " + today.Format("2006-01") + "."
	}
	return p, day, month, ok
}

// usageCSVURL is the download of p.
func usageCSVURL(p models.UsagePeriod) string {
	if p.Month {
		return "/usage.csv?" + url.Values{"month": {p.String()}}.Encode()
	}
	return "/usage.csv?" + url.Values{"day": {p.String()}}.Encode()
}

// byKind is r's resources in kinds' order.
func byKind(r models.UsageRow, kinds []string) []int64 {
	out := make([]int64, len(kinds))
	for i, k := range kinds {
		out[i] = r.ByKind[k]
	}
	return out
}

// Usage is the master's usage report of a day or a month.
func Usage(store *models.Store) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx := c.Request().Context()
		page := below(PageFor(VisitorFrom(ctx), "Usage"), "Usage", tenantsCrumb)
		p, day, month, ok := usagePeriod(c, time.Now().UTC())
		v := views.UsageReport{Day: day, Month: month}
		if !ok {
			return Render(c, http.StatusBadRequest, views.UsagePage(page, v))
		}
		rep, err := store.UsageReport(ctx, p)
		if err != nil {
			return err
		}
		if p.Month {
			v.Month.Value, v.Day.Value = p.String(), ""
		} else {
			v.Day.Value, v.Month.Value = p.String(), ""
		}
		v.Period, v.IsMonth, v.Kinds, v.CSV = p.String(), p.Month, rep.Kinds, usageCSVURL(p)
		for _, r := range rep.Rows {
			v.Rows = append(v.Rows, views.UsageRow{Name: r.Name, Subdomain: r.Subdomain, Currency: r.Currency,
				AccountNumber: r.AccountNumber, AccountName: r.AccountName, CustomerNumber: r.CustomerNumber,
				Day: r.Day, Live: r.Live, Users: r.Users, Resources: r.Resources, ByKind: byKind(r, rep.Kinds)})
		}
		return Render(c, http.StatusOK, views.UsagePage(page, v))
	}
}

// UsageCSV is the usage report as a CSV download, with the page's columns.
func UsageCSV(store *models.Store) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx := c.Request().Context()
		p, _, _, ok := usagePeriod(c, time.Now().UTC())
		if !ok {
			return echo.NewHTTPError(http.StatusBadRequest, "Give ?day=YYYY-MM-DD or ?month=YYYY-MM.")
		}
		rep, err := store.UsageReport(ctx, p)
		if err != nil {
			return err
		}
		header := []string{"tenant", "subdomain", "currency", "account_number", "account_name", "customer_number", "day", "live", "users"}
		for _, k := range rep.Kinds {
			header = append(header, "resources_"+k)
		}
		header = append(header, "resources")
		return streamCSV(c, "usage-"+p.String()+".csv", header, func(emit func([]string) error) error {
			for _, r := range rep.Rows {
				rec := []string{r.Name, r.Subdomain, r.Currency, r.AccountNumber, r.AccountName, r.CustomerNumber, r.Day,
					strconv.FormatBool(r.Live), strconv.FormatInt(r.Users, 10)}
				for _, n := range byKind(r, rep.Kinds) {
					rec = append(rec, strconv.FormatInt(n, 10))
				}
				if err := emit(append(rec, strconv.FormatInt(r.Resources, 10))); err != nil {
					return err
				}
			}
			return nil
		})
	}
}
