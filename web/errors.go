package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"landlord/handlers"
	"landlord/models"
	"landlord/views"
)

var statusTitles = map[int]string{
	http.StatusBadRequest:            "Bad request",
	http.StatusUnauthorized:          "Sign-in needed",
	http.StatusForbidden:             "Forbidden",
	http.StatusNotFound:              "Not found",
	http.StatusRequestTimeout:        "Request timeout",
	http.StatusMethodNotAllowed:      "Method not allowed",
	http.StatusConflict:              "Conflict",
	http.StatusRequestEntityTooLarge: "Request too large",
	http.StatusUnprocessableEntity:   "Invalid input",
	http.StatusTooManyRequests:       "Too many requests",
	http.StatusInternalServerError:   "Server error",
	http.StatusServiceUnavailable:    "Unavailable",
}

// handleError maps an error to a status and answers with a page, or JSON under
// /api. Server errors are logged once, with the request id, and shown without detail.
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	status, message := http.StatusInternalServerError, "Something went wrong on our side. Quote the request id if you report it."
	var fields map[string]string
	var he *echo.HTTPError
	var ve *models.ValidationError
	switch {
	case errors.As(err, &he):
		status = he.Code
		if m, ok := he.Message.(string); ok && status < 500 {
			message = m
		}
	case errors.Is(err, models.ErrNotFound):
		status = http.StatusNotFound
	case errors.As(err, &ve):
		status, message, fields = http.StatusUnprocessableEntity, "Some fields are invalid.", ve.Fields
	case errors.Is(err, models.ErrForbidden):
		status, message = http.StatusForbidden, "Your role does not allow this. Ask an administrator for access."
	case errors.Is(err, models.ErrConflict):
		status, message = http.StatusConflict, "Someone else changed this meanwhile. Reload and try again."
	}
	if status == http.StatusNotFound && (he == nil || he == echo.ErrNotFound || he.Message == http.StatusText(http.StatusNotFound)) {
		message = "There is nothing at this address."
	}
	requestID := c.Response().Header().Get(echo.HeaderXRequestID)
	if status >= 500 {
		s.logger.ErrorContext(c.Request().Context(), "request failed", "id", requestID, "path", c.Request().URL.Path, "err", err)
	}
	title := statusTitles[status]
	if title == "" {
		title = http.StatusText(status)
	}

	var werr error
	switch {
	case c.Request().Method == http.MethodHead:
		werr = c.NoContent(status)
	case strings.HasPrefix(c.Request().URL.Path, "/api/"):
		body := map[string]any{"code": strings.ReplaceAll(strings.ToLower(title), " ", "_"), "message": message}
		if fields != nil {
			body["fields"] = fields
		}
		werr = c.JSON(status, map[string]any{"error": body})
	default:
		v := handlers.VisitorFrom(c.Request().Context())
		page := handlers.PageFor(v, title)
		werr = handlers.Render(c, status, views.ErrorPage(page, views.ErrorInfo{Status: status, Title: title, Message: message, RequestID: requestID}))
	}
	if werr != nil {
		s.logger.Error("writing error response", "id", requestID, "err", werr)
	}
}
