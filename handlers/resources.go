package handlers

import (
	"encoding/json"
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

var (
	resourcesCrumb = crumb("Resources", "/resources")
	groupsCrumb    = crumb("Resource groups", "/resource-groups")
)

// resourceQuery reads the resource list's query string: the list's own,
// kind, and group (an id, or "none" for the ungrouped).
func resourceQuery(c echo.Context) (models.ResourceQuery, url.Values) {
	q := models.ResourceQuery{ListQuery: listQuery(c), Kind: strings.TrimSpace(c.QueryParam("kind"))}
	filters := url.Values{}
	if q.Kind != "" {
		filters.Set("kind", q.Kind)
	}
	switch g := c.QueryParam("group"); g {
	case "":
	case "none":
		q.Ungrouped = true
		filters.Set("group", g)
	default:
		if id, ok := ParseID(g); ok {
			q.GroupID = id
			filters.Set("group", g)
		}
	}
	return q, filters
}

func resourceRow(r *models.ResourceRow) views.ResourceRow {
	row := listedResource(r)
	row.Attributes = map[string]string{}
	_ = json.Unmarshal([]byte(r.Attributes), &row.Attributes)
	return row
}

// listedResource is resourceRow without the attributes, which the list
// does not show: decoding them was a tenth of the list's server time.
func listedResource(r *models.ResourceRow) views.ResourceRow {
	return views.ResourceRow{ID: r.ID, Kind: r.Kind, KindLabel: r.KindLabel, Name: r.Name, Description: r.Description,
		Group: r.GroupName, Updated: r.UpdatedAt.UTC().Format("2006-01-02 15:04"), SharedBy: r.SharedBy}
}

// kindOptions is the kind select, with chosen selected; first is its empty
// entry ("" for none).
func kindOptions(kinds []models.ResourceKind, chosen, first string) []views.SelectOption {
	out := []views.SelectOption{{Value: "", Label: first}}
	for _, k := range kinds {
		out = append(out, views.SelectOption{Value: k.Key, Label: k.Label, Selected: k.Key == chosen})
	}
	return out
}

// groupOptions is a group select over the groups the visitor sees.
func groupOptions(groups []models.ResourceGroup, chosen string, head ...views.SelectOption) []views.SelectOption {
	out := head
	for i := range out {
		out[i].Selected = out[i].Value == chosen
	}
	for _, g := range groups {
		v := strconv.FormatUint(g.ID, 10)
		out = append(out, views.SelectOption{Value: v, Label: g.Name, Selected: v == chosen})
	}
	return out
}

func groupsOf(rows []models.GroupRow) []models.ResourceGroup {
	out := make([]models.ResourceGroup, len(rows))
	for i, g := range rows {
		out[i] = g.ResourceGroup
	}
	return out
}

// Resources lists the host tenant's resources the visitor may read, and
// beside them the master's shared with the tenant, read-only.
func Resources(store *models.Store) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx := c.Request().Context()
		v := VisitorFrom(ctx)
		q, filters := resourceQuery(c)
		p, err := store.ResourcesPage(ctx, q)
		if err != nil {
			return err
		}
		list := listState(c, p.Page)
		list.Filters = filters
		l := views.ResourceList{List: list,
			Kinds:     kindOptions(p.Kinds, q.Kind, "Every kind"),
			Groups:    groupOptions(p.Groups, filters.Get("group"), views.SelectOption{Value: "", Label: "Every group"}, views.SelectOption{Value: "none", Label: "No group"}),
			CanCreate: v.User.Level(models.FeatureResources) >= models.LevelFull,
			CanExport: v.User.Level(models.FeatureExport) >= models.LevelRead,
		}
		for i := range p.Rows {
			l.Rows = append(l.Rows, listedResource(&p.Rows[i]))
		}
		return Render(c, listStatus(list), views.ResourcesPage(PageFor(v, "Resources"), l))
	}
}

// ResourcesExport streams the resources the list shows, as CSV (the
// default) or JSON lines.
func ResourcesExport(store *models.Store) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx := c.Request().Context()
		v := VisitorFrom(ctx)
		q, _ := resourceQuery(c)
		format, err := exportFormat(c)
		if err != nil {
			return err
		}
		name := v.Tenant.Subdomain + "-resources"
		if format == "jsonl" {
			return streamJSONLines(c, name+".jsonl", func(emit func(any) error) error {
				return store.EachResource(ctx, q, func(r *models.ResourceRow) error { return emit(resourceRow(r)) })
			})
		}
		header := []string{"id", "kind", "name", "description", "group", "updated", "attributes", "shared_by"}
		return streamCSV(c, name+".csv", header, func(emit func([]string) error) error {
			return store.EachResource(ctx, q, func(r *models.ResourceRow) error {
				row := resourceRow(r)
				return emit([]string{strconv.FormatUint(row.ID, 10), row.Kind, row.Name, row.Description, row.Group, row.Updated, r.Attributes, row.SharedBy})
			})
		})
	}
}

// attrFields are kind k's attributes as form fields, with values and messages.
func attrFields(k *models.ResourceKind, values, errs map[string]string) ([]views.AttrField, error) {
	attrs, err := k.KindAttributes()
	if err != nil {
		return nil, err
	}
	out := make([]views.AttrField, len(attrs))
	for i, a := range attrs {
		label := a.Label
		if label == "" {
			label = a.Name
		}
		val, ok := values[a.Name]
		if !ok {
			val = a.Default
		}
		out[i] = views.AttrField{Name: a.Name, Label: label, Type: a.Type, Required: a.Required, Choices: a.Choices, Value: val, Error: errs["attr."+a.Name]}
	}
	return out, nil
}

// resourceForm builds the form's selects and attribute fields around f.
func resourceForm(c echo.Context, store *models.Store, f views.ResourceForm, values map[string]string, group string) (views.ResourceForm, error) {
	ctx := c.Request().Context()
	groups, err := store.ResourceGroups(ctx)
	if err != nil {
		return f, err
	}
	f.Groups = groupOptions(groupsOf(groups), group, views.SelectOption{Value: "", Label: "No group"})
	if f.Kind == "" {
		kinds, err := store.ResourceKinds(ctx)
		if err != nil {
			return f, err
		}
		f.Kinds = kindOptions(kinds, "", "Choose a kind")
		return f, nil
	}
	k, err := store.ResourceKindByKey(ctx, f.Kind)
	if err != nil {
		return f, err
	}
	f.KindLabel = k.Label
	f.Attrs, err = attrFields(k, values, f.Errors)
	return f, err
}

// formValues reads a posted resource form: its input and the group as typed.
func formValues(c echo.Context) (models.ResourceInput, string) {
	form := c.Request().PostForm
	in := models.ResourceInput{Kind: form.Get("kind"), Name: form.Get("name"), Description: form.Get("description"), Values: map[string]string{}}
	group := form.Get("group")
	if id, ok := ParseID(group); ok {
		in.GroupID = id
	}
	for k, vs := range form {
		if name, ok := strings.CutPrefix(k, "attr."); ok && len(vs) > 0 {
			in.Values[name] = vs[0]
		}
	}
	return in, group
}

// ResourceNewForm asks for a kind first (a GET form), then for the kind's
// attributes.
func ResourceNewForm(store *models.Store) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx := c.Request().Context()
		v := VisitorFrom(ctx)
		f := views.ResourceForm{Kind: strings.TrimSpace(c.QueryParam("kind"))}
		status := http.StatusOK
		if f.Kind != "" {
			if _, err := store.ResourceKindByKey(ctx, f.Kind); err != nil {
				f.Kind, f.Errors, status = "", map[string]string{"kind": "Choose one of the kinds."}, http.StatusUnprocessableEntity
			}
		}
		f, err := resourceForm(c, store, f, nil, c.QueryParam("group"))
		if err != nil {
			return err
		}
		return Render(c, status, views.ResourceFormPage(below(PageFor(v, "New resource"), "New resource", resourcesCrumb), f))
	}
}

// ResourceCreate adds a resource to the host tenant.
func ResourceCreate(store *models.Store, sessions Sessions) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx := c.Request().Context()
		v := VisitorFrom(ctx)
		in, group := formValues(c)
		var page func(map[string]string) templ.Component
		var renderErr error
		page = func(fields map[string]string) templ.Component {
			f := views.ResourceForm{Kind: in.Kind, Name: in.Name, Description: in.Description, Errors: fields}
			if fields["kind"] != "" {
				f.Kind = ""
			}
			f, renderErr = resourceForm(c, store, f, in.Values, group)
			return views.ResourceFormPage(below(PageFor(v, "New resource"), "New resource", resourcesCrumb), f)
		}
		op := func() (string, error) {
			r, err := store.CreateResource(ctx, in)
			if err != nil {
				return "", err
			}
			return fmt.Sprintf("Resource “%s” created.", r.Name), nil
		}
		err := submitReport(c, sessions, op, page, "/resources")
		if renderErr != nil {
			return renderErr
		}
		return err
	}
}

// ResourceShow shows one of the host tenant's resources.
func ResourceShow(store *models.Store) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx := c.Request().Context()
		id, err := pathID(c)
		if err != nil {
			return err
		}
		r, lvl, err := store.ResourceByID(ctx, id)
		if errors.Is(err, models.ErrNotFound) {
			return sharedResourceShow(c, store, id)
		}
		if err != nil {
			return err
		}
		rows, err := labelledRow(c, store, r)
		if err != nil {
			return err
		}
		d := views.ResourceDetail{Row: rows, CanEdit: lvl >= models.LevelFull}
		if v := VisitorFrom(ctx); v.Tenant != nil && v.Tenant.IsMaster && v.User != nil && v.User.Level(models.FeatureResources) >= models.LevelRead {
			d.CanShare = true // on the master's host a resource is the master's own
		}
		if k, err := store.ResourceKindByKey(ctx, r.Kind); err == nil {
			if d.Labels, err = attrFields(k, rows.Attributes, nil); err != nil {
				return err
			}
		}
		return Render(c, http.StatusOK, views.ResourcePage(below(PageFor(VisitorFrom(ctx), r.Name), r.Name, resourcesCrumb), d))
	}
}

// sharedResourceShow shows a master resource shared with the host tenant,
// read-only; any other id is not found.
func sharedResourceShow(c echo.Context, store *models.Store, id uint64) error {
	ctx := c.Request().Context()
	r, err := store.SharedResourceByID(ctx, id)
	if err != nil {
		return err
	}
	row := models.ResourceRow{Resource: r.Resource, KindLabel: r.Kind, SharedBy: r.SharedBy}
	d := views.ResourceDetail{Row: resourceRow(&row)}
	if k, err := store.ResourceKindByKey(ctx, r.Kind); err == nil {
		d.Row.KindLabel = k.Label
		if d.Labels, err = attrFields(k, d.Row.Attributes, nil); err != nil {
			return err
		}
	}
	return Render(c, http.StatusOK, views.ResourcePage(below(PageFor(VisitorFrom(ctx), r.Name), r.Name, resourcesCrumb), d))
}

// labelledRow is r as the list shows it, with its kind's label and group's name.
func labelledRow(c echo.Context, store *models.Store, r *models.Resource) (views.ResourceRow, error) {
	row := models.ResourceRow{Resource: *r, KindLabel: r.Kind}
	ctx := c.Request().Context()
	if k, err := store.ResourceKindByKey(ctx, r.Kind); err == nil {
		row.KindLabel = k.Label
	}
	if r.GroupID != nil {
		g, err := store.ResourceGroup(ctx, *r.GroupID)
		if err != nil {
			return views.ResourceRow{}, err
		}
		row.GroupName = g.Name
	}
	return resourceRow(&row), nil
}

func resourcePath(id uint64, suffix string) string {
	return "/resources/" + strconv.FormatUint(id, 10) + suffix
}

// ResourceEditForm shows one of the host tenant's resources for editing.
func ResourceEditForm(store *models.Store) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx := c.Request().Context()
		id, err := pathID(c)
		if err != nil {
			return err
		}
		r, lvl, err := store.ResourceByID(ctx, id)
		if err != nil {
			return err
		}
		if lvl < models.LevelFull {
			return fmt.Errorf("%w: resources: full needed", models.ErrForbidden)
		}
		values := map[string]string{}
		_ = json.Unmarshal([]byte(r.Attributes), &values)
		f := views.ResourceForm{ID: r.ID, Version: r.Version, Kind: r.Kind, Name: r.Name, Description: r.Description, Stored: r.Name}
		group := ""
		if r.GroupID != nil {
			group = strconv.FormatUint(*r.GroupID, 10)
		}
		if f, err = resourceForm(c, store, f, values, group); err != nil {
			return err
		}
		return Render(c, http.StatusOK, views.ResourceFormPage(below(PageFor(VisitorFrom(ctx), "Edit "+r.Name), "Edit", resourcesCrumb, crumb(r.Name, resourcePath(r.ID, ""))), f))
	}
}

// ResourceUpdate saves an edit of one of the host tenant's resources.
func ResourceUpdate(store *models.Store, sessions Sessions) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx := c.Request().Context()
		v := VisitorFrom(ctx)
		id, err := pathID(c)
		if err != nil {
			return err
		}
		r, _, err := store.ResourceByID(ctx, id)
		if err != nil {
			return err
		}
		version, err := versionField(c.Request().PostForm)
		if err != nil {
			return err
		}
		in, group := formValues(c)
		in.Kind = r.Kind
		var renderErr error
		page := func(fields map[string]string) templ.Component {
			f := views.ResourceForm{ID: r.ID, Version: version, Kind: r.Kind, Name: in.Name, Description: in.Description, Stored: r.Name, Errors: fields}
			f, renderErr = resourceForm(c, store, f, in.Values, group)
			return views.ResourceFormPage(below(PageFor(v, "Edit "+r.Name), "Edit", resourcesCrumb, crumb(r.Name, resourcePath(r.ID, ""))), f)
		}
		op := func() (string, error) {
			saved, err := store.UpdateResource(ctx, id, version, in)
			if err != nil {
				return "", err
			}
			return fmt.Sprintf("Resource “%s” saved.", saved.Name), nil
		}
		err = submitReport(c, sessions, op, page, resourcePath(id, ""))
		if renderErr != nil {
			return renderErr
		}
		return err
	}
}

// ResourceDeleteForm asks to confirm deleting one of the host tenant's resources.
func ResourceDeleteForm(store *models.Store) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx := c.Request().Context()
		id, err := pathID(c)
		if err != nil {
			return err
		}
		r, lvl, err := store.ResourceByID(ctx, id)
		if err != nil {
			return err
		}
		if lvl < models.LevelFull {
			return fmt.Errorf("%w: resources: full needed", models.ErrForbidden)
		}
		d := views.ResourceDelete{ID: r.ID, Name: r.Name, Kind: r.Kind}
		return Render(c, http.StatusOK, views.ResourceDeletePage(below(PageFor(VisitorFrom(ctx), "Delete "+r.Name), "Delete", resourcesCrumb, crumb(r.Name, resourcePath(r.ID, ""))), d))
	}
}

// ResourceDelete deletes one of the host tenant's resources.
func ResourceDelete(store *models.Store, sessions Sessions) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx := c.Request().Context()
		id, err := pathID(c)
		if err != nil {
			return err
		}
		r, _, err := store.ResourceByID(ctx, id)
		if err != nil {
			return err
		}
		if err := store.DeleteResource(ctx, id); err != nil {
			return err
		}
		if err := sessions.Flash(c, views.Flash{Kind: "success", Text: fmt.Sprintf("Resource “%s” deleted.", r.Name)}); err != nil {
			return err
		}
		return c.Redirect(http.StatusSeeOther, "/resources")
	}
}
