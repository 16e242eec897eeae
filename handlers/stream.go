package handlers

import (
	"encoding/csv"
	"encoding/json"
	"mime"
	"net/http"
	"slices"

	"github.com/labstack/echo/v4"
)

// flushEvery is how many rows an export writes between flushes: the client
// sees data at once and the server holds no more than this many rows' bytes.
const flushEvery = 100

// exportFormats are the formats every export writes; the first is the default.
var exportFormats = []string{"csv", "jsonl"}

// exportFormat is an export's ?format=: csv when absent, jsonl, or a 400
// that names both, so a typo is not answered with a CSV nobody asked for.
func exportFormat(c echo.Context) (string, error) {
	f := c.QueryParam("format")
	if f == "" {
		return exportFormats[0], nil
	}
	if slices.Contains(exportFormats, f) {
		return f, nil
	}
	return "", echo.NewHTTPError(http.StatusBadRequest, "Unknown export format; the formats are csv (the default) and jsonl.")
}

func startDownload(c echo.Context, contentType, filename string) *echo.Response {
	res := c.Response()
	h := res.Header()
	h.Set(echo.HeaderContentType, contentType)
	h.Set(echo.HeaderContentDisposition, mime.FormatMediaType("attachment", map[string]string{"filename": filename}))
	res.WriteHeader(http.StatusOK)
	return res
}

// streamCSV answers with a CSV download written as rows arrive, never
// buffering the whole body. rows calls emit once per record.
func streamCSV(c echo.Context, filename string, header []string, rows func(emit func([]string) error) error) error {
	res := startDownload(c, "text/csv; charset=utf-8", filename)
	w := csv.NewWriter(res)
	n := 0
	emit := func(rec []string) error {
		if err := w.Write(neutralize(rec)); err != nil {
			return err
		}
		if n++; n%flushEvery == 0 {
			w.Flush()
			res.Flush()
		}
		return w.Error()
	}
	if err := emit(header); err != nil {
		return err
	}
	err := rows(emit)
	w.Flush()
	res.Flush()
	return err
}

// streamJSONLines answers with one JSON document a line, written as rows arrive.
func streamJSONLines(c echo.Context, filename string, rows func(emit func(any) error) error) error {
	res := startDownload(c, "application/jsonl; charset=utf-8", filename)
	enc := json.NewEncoder(res)
	n := 0
	err := rows(func(v any) error {
		if err := enc.Encode(v); err != nil {
			return err
		}
		if n++; n%flushEvery == 0 {
			res.Flush()
		}
		return nil
	})
	res.Flush()
	return err
}

// neutralize keeps spreadsheet programs from running a cell as a formula: a
// value starting with = + - @ or a control character gets a leading quote.
func neutralize(rec []string) []string {
	for i, v := range rec {
		if v != "" && (v[0] == '=' || v[0] == '+' || v[0] == '-' || v[0] == '@' || v[0] == '\t' || v[0] == '\r') {
			rec[i] = "'" + v
		}
	}
	return rec
}
