package handlers

import (
	"errors"
	"net/http"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"landlord/models"
	"landlord/views"
)

// conflictMessage is shown when a form's record changed since it was opened.
const conflictMessage = "Someone else changed this meanwhile. Reload the page to see their changes, then make yours again."

// submit runs a posted form's one domain operation. On a ValidationError the
// form is shown again with 422, the person's values and a message by each
// field; on ErrConflict with 409 and the conflict message (under the "" key);
// on success the next page is shown by a 303 redirect, with a message.
// form renders the page from the messages; the values are the caller's.
func submit(c echo.Context, sessions Sessions, op func() error, form func(fields map[string]string) templ.Component, next, done string) error {
	return submitReport(c, sessions, func() (string, error) { return done, op() }, form, next)
}

// submitReport is submit for an operation whose success message says what
// it did.
func submitReport(c echo.Context, sessions Sessions, op func() (done string, err error), form func(fields map[string]string) templ.Component, next string) error {
	done, err := op()
	var ve *models.ValidationError
	switch {
	case errors.As(err, &ve):
		return Render(c, http.StatusUnprocessableEntity, form(ve.Fields))
	case errors.Is(err, models.ErrConflict):
		return Render(c, http.StatusConflict, form(map[string]string{"": conflictMessage}))
	case err != nil:
		return err
	}
	if err := sessions.Flash(c, views.Flash{Kind: "success", Text: done}); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, next)
}
