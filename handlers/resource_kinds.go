package handlers

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"landlord/models"
	"landlord/views"
)

var resourceKindsCrumb = crumb("Resource kinds", "/resource-kinds")

// Attribute rows a kind's form shows beyond those typed, and the most it
// reads back.
const (
	emptyKindRows = 3
	maxKindRows   = 60
)

// ResourceKinds is the master's list of resource kinds, with how many
// resources of every tenant have each.
func ResourceKinds(store *models.Store) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx := c.Request().Context()
		v := VisitorFrom(ctx)
		rows, err := store.ResourceKindRows(ctx)
		if err != nil {
			return err
		}
		l := views.KindList{CanEdit: v.User.Level(models.FeatureResources) >= models.LevelFull}
		for _, r := range rows {
			attrs, err := r.KindAttributes()
			if err != nil {
				return err
			}
			l.Rows = append(l.Rows, views.KindListRow{Key: r.Key, Label: r.Label, Attributes: kindRows(attrs), Resources: r.Resources})
		}
		return Render(c, http.StatusOK, views.ResourceKindsPage(PageFor(v, "Resource kinds"), l))
	}
}

func kindRows(attrs []models.KindAttribute) []views.KindAttributeRow {
	rows := make([]views.KindAttributeRow, 0, len(attrs))
	for _, a := range attrs {
		rows = append(rows, views.KindAttributeRow{Name: a.Name, Label: a.Label, Type: a.Type, Required: a.Required,
			Choices: strings.Join(a.Choices, ", "), Default: a.Default})
	}
	return rows
}

// parseKindForm reads a kind's form: its rows in order, empty ones left out.
func parseKindForm(form url.Values) (models.KindInput, []views.KindAttributeRow) {
	in := models.KindInput{Key: form.Get("key"), Label: form.Get("label")}
	n, _ := strconv.Atoi(form.Get("attr_rows"))
	n = min(max(n, 0), maxKindRows)
	var rows []views.KindAttributeRow
	for i := 1; i <= n; i++ {
		field := func(name string) string { return form.Get("attr." + strconv.Itoa(i) + "." + name) }
		r := views.KindAttributeRow{Name: field("name"), Label: field("label"), Type: field("type"), Required: field("required") == "on",
			Choices: field("choices"), Default: field("default")}
		if strings.TrimSpace(r.Name+r.Label+r.Choices+r.Default) == "" {
			continue
		}
		rows = append(rows, r)
		var choices []string
		if strings.TrimSpace(r.Choices) != "" {
			choices = strings.Split(r.Choices, ",")
		}
		in.Attributes = append(in.Attributes, models.KindAttribute{Name: r.Name, Label: r.Label, Type: r.Type, Required: r.Required,
			Choices: choices, Default: r.Default})
	}
	return in, rows
}

// withEmptyRows is rows and the empty rows a form adds, of type text.
func withEmptyRows(rows []views.KindAttributeRow, n int) []views.KindAttributeRow {
	for range n {
		rows = append(rows, views.KindAttributeRow{Type: models.AttributeText})
	}
	return rows
}

// ResourceKindNewForm shows an empty kind form.
func ResourceKindNewForm() echo.HandlerFunc {
	return func(c echo.Context) error {
		v := VisitorFrom(c.Request().Context())
		f := views.KindForm{Rows: withEmptyRows(nil, emptyKindRows), Types: models.AttributeTypes}
		return Render(c, http.StatusOK, views.ResourceKindFormPage(below(PageFor(v, "New resource kind"), "New kind", resourceKindsCrumb), f))
	}
}

// kindSubmit answers a kind form's POST: "Add more rows" shows it again with
// more empty rows, anything else saves it with op.
func kindSubmit(c echo.Context, sessions Sessions, f views.KindForm, page func(views.KindForm) templ.Component, op func(models.KindInput) (*models.ResourceKind, error), done string) error {
	form := c.Request().PostForm
	in, rows := parseKindForm(form)
	f.Key, f.Label, f.Types = form.Get("key"), form.Get("label"), models.AttributeTypes
	f.Rows = withEmptyRows(rows, emptyKindRows)
	if form.Get("_action") == "more" {
		return Render(c, http.StatusOK, page(f))
	}
	return submitReport(c, sessions, func() (string, error) {
		k, err := op(in)
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("Resource kind “%s” %s.", k.Key, done), nil
	}, func(fields map[string]string) templ.Component {
		f.Errors = fields
		return page(f)
	}, "/resource-kinds")
}

// ResourceKindCreate adds a kind.
func ResourceKindCreate(store *models.Store, sessions Sessions) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx := c.Request().Context()
		page := func(f views.KindForm) templ.Component {
			return views.ResourceKindFormPage(below(PageFor(VisitorFrom(ctx), "New resource kind"), "New kind", resourceKindsCrumb), f)
		}
		return kindSubmit(c, sessions, views.KindForm{}, page, func(in models.KindInput) (*models.ResourceKind, error) {
			return store.CreateResourceKind(ctx, in)
		}, "created")
	}
}

// kindOfPath is the kind the path's :key names, with how many resources have it.
func kindOfPath(c echo.Context, store *models.Store) (*models.ResourceKind, int64, error) {
	ctx := c.Request().Context()
	k, err := store.ResourceKindByKey(ctx, c.Param("key"))
	if err != nil {
		return nil, 0, err
	}
	used, err := store.ResourceKindUse(ctx, k.Key)
	return k, used, err
}

// ResourceKindEditForm shows a kind for editing, at the version read.
func ResourceKindEditForm(store *models.Store) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx := c.Request().Context()
		k, used, err := kindOfPath(c, store)
		if err != nil {
			return err
		}
		attrs, err := k.KindAttributes()
		if err != nil {
			return err
		}
		f := views.KindForm{Stored: k.Key, Key: k.Key, Label: k.Label, Version: k.Version, Resources: used,
			Rows: withEmptyRows(kindRows(attrs), emptyKindRows), Types: models.AttributeTypes}
		return Render(c, http.StatusOK, views.ResourceKindFormPage(below(PageFor(VisitorFrom(ctx), "Edit "+k.Key), "Edit "+k.Key, resourceKindsCrumb), f))
	}
}

// ResourceKindUpdate saves an edit of a kind.
func ResourceKindUpdate(store *models.Store, sessions Sessions) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx := c.Request().Context()
		k, used, err := kindOfPath(c, store)
		if err != nil {
			return err
		}
		version, err := versionField(c.Request().PostForm)
		if err != nil {
			return err
		}
		page := func(f views.KindForm) templ.Component {
			return views.ResourceKindFormPage(below(PageFor(VisitorFrom(ctx), "Edit "+k.Key), "Edit "+k.Key, resourceKindsCrumb), f)
		}
		f := views.KindForm{Stored: k.Key, Version: version, Resources: used}
		return kindSubmit(c, sessions, f, page, func(in models.KindInput) (*models.ResourceKind, error) {
			return store.UpdateResourceKind(ctx, k.Key, version, in)
		}, "saved")
	}
}

// kindDelete is the confirmation page of deleting the path's kind.
func kindDelete(c echo.Context, store *models.Store) (views.KindDelete, error) {
	k, used, err := kindOfPath(c, store)
	if err != nil {
		return views.KindDelete{}, err
	}
	return views.KindDelete{Key: k.Key, Label: k.Label, Resources: used}, nil
}

// ResourceKindDeleteForm asks to confirm deleting a kind.
func ResourceKindDeleteForm(store *models.Store) echo.HandlerFunc {
	return func(c echo.Context) error {
		d, err := kindDelete(c, store)
		if err != nil {
			return err
		}
		return Render(c, http.StatusOK, views.ResourceKindDeletePage(below(PageFor(VisitorFrom(c.Request().Context()), "Delete "+d.Key), "Delete "+d.Key, resourceKindsCrumb), d))
	}
}

// ResourceKindDelete deletes a kind; one in use is refused with the
// model's message.
func ResourceKindDelete(store *models.Store, sessions Sessions) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx := c.Request().Context()
		d, err := kindDelete(c, store)
		if err != nil {
			return err
		}
		err = store.DeleteResourceKind(ctx, d.Key)
		var ve *models.ValidationError
		if errors.As(err, &ve) {
			d.Error = ve.Fields["kind"]
			return Render(c, http.StatusUnprocessableEntity, views.ResourceKindDeletePage(below(PageFor(VisitorFrom(ctx), "Delete "+d.Key), "Delete "+d.Key, resourceKindsCrumb), d))
		}
		if err != nil {
			return err
		}
		if err := sessions.Flash(c, views.Flash{Kind: "success", Text: fmt.Sprintf("Resource kind “%s” deleted.", d.Key)}); err != nil {
			return err
		}
		return c.Redirect(http.StatusSeeOther, "/resource-kinds")
	}
}
