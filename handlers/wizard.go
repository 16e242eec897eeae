package handlers

import (
	"crypto/sha256"
	"errors"
	"net/url"
	"slices"
	"strconv"

	"github.com/gorilla/securecookie"
)

// Wizard carries a multi-step form's values from page to page in one hidden
// field, encrypted and signed, and bound to the visitor's session.
//
// Hidden state rather than the session: the session is a cookie (4 KB at most)
// shared by every tab, while each page of a wizard holds its own complete
// state, so two wizards in two tabs do not mix, Back (the button, or the
// browser's) shows a page that still has everything typed, and an abandoned
// wizard leaves nothing behind. Encrypted, because a step may hold a password;
// bound to the session (by its CSRF token), so a state cannot be replayed by
// anyone else; and it expires.
type Wizard struct {
	codec *securecookie.SecureCookie
}

// WizardStateMaxAge is how long a wizard's state stays valid, in seconds.
const WizardStateMaxAge = 3600

// ErrWizardState means a wizard's hidden state was altered, expired or belongs
// to another session.
var ErrWizardState = errors.New("the form's saved steps are no longer valid")

// NewWizard makes the codec from the server's secret.
func NewWizard(secret []byte) *Wizard {
	derive := func(label string) []byte {
		sum := sha256.Sum256(append([]byte(label+"\x00"), secret...))
		return sum[:]
	}
	c := securecookie.New(derive("landlord wizard signing"), derive("landlord wizard encryption"))
	c.MaxAge(WizardStateMaxAge)
	c.MaxLength(64 << 10)
	c.SetSerializer(securecookie.JSONEncoder{})
	return &Wizard{codec: c}
}

// Seal encodes values for the hidden field of a page shown to session.
func (w *Wizard) Seal(session string, values url.Values) (string, error) {
	return w.codec.Encode("wizard:"+session, map[string][]string(values))
}

// Open decodes a hidden field posted by session; "" is an empty state.
func (w *Wizard) Open(session, sealed string) (url.Values, error) {
	if sealed == "" {
		return url.Values{}, nil
	}
	var values map[string][]string
	if err := w.codec.Decode("wizard:"+session, sealed, &values); err != nil {
		return nil, ErrWizardState
	}
	return url.Values(values), nil
}

// WizardStep is one page of a wizard: the form fields it asks for, and the
// check of what was typed there (field → message; nil when all is well).
type WizardStep struct {
	Name   string
	Title  string
	Fields []string
	Check  func(values url.Values) map[string]string
	// Secret fields (passwords) are never shown again, so a page posts them
	// empty once typed: an empty one keeps the value already sealed. A step
	// that fails its check drops its secrets, to be typed again, and so does
	// a refusal at the end (Revisit); the page then says so (SecretDropped).
	Secret []string
}

// secretDroppedField marks, in the state, that secrets typed were dropped;
// a page says so by their fields while they are not typed again.
const secretDroppedField = "_secret_dropped"

// SecretDropped tells a page to say, by secret fields that hold nothing,
// that what was typed there is not kept and must be typed again.
func (p WizardPage) SecretDropped() bool { return p.Values.Get(secretDroppedField) != "" }

// dropSecrets removes the named secrets from values, marking the state when
// one held something.
func dropSecrets(values url.Values, secrets []string) {
	for _, f := range secrets {
		if values.Get(f) != "" {
			values.Set(secretDroppedField, "1")
		}
		values.Del(f)
	}
}

// WizardPage is what a wizard shows next: a step (its index in the flow),
// every value typed so far, the messages for this step, and the sealed state
// to put in the page's hidden "_wizard" field. Done means the last step was
// confirmed: the caller now runs the operation with Values.
type WizardPage struct {
	Step   int
	Values url.Values
	Errors map[string]string
	Sealed string
	Done   bool
}

// Wizard form fields: the sealed state, the step the page showed, and the
// button pressed ("back", "next"; the last step's button is "finish").
const (
	WizardStateField  = "_wizard"
	WizardStepField   = "_step"
	WizardActionField = "_action"
)

// Advance reads a posted wizard page. The step's own fields are taken from
// the form, the rest from the sealed state. "back" goes one step back without
// checking; anything else checks the step and moves on only when it passes.
// The state records the furthest step whose check passed, so a page cannot
// skip a check by posting a later step number.
func (w *Wizard) Advance(session string, form url.Values, steps []WizardStep) (WizardPage, error) {
	values, err := w.Open(session, form.Get(WizardStateField))
	if err != nil {
		return WizardPage{}, err
	}
	reached := atoi(values.Get("_reached"))
	step := min(max(atoi(form.Get(WizardStepField)), 0), reached, len(steps)-1)
	for _, f := range steps[step].Fields {
		if slices.Contains(steps[step].Secret, f) && form.Get(f) == "" && values.Get(f) != "" {
			continue
		}
		values[f] = form[f]
		if values[f] == nil {
			values.Del(f) // an unticked box or an absent field is no value
		}
	}
	page := WizardPage{Step: step, Values: values}
	back := form.Get(WizardActionField) == "back"
	if !back && steps[step].Check != nil {
		page.Errors = steps[step].Check(values)
	}
	switch {
	case back:
		page.Step = max(step-1, 0)
	case len(page.Errors) > 0:
		// A secret is kept only once its step passed: on a step that failed,
		// whichever field it was, it is typed again, not kept unseen.
		dropSecrets(values, steps[step].Secret)
	case step == len(steps)-1:
		page.Done = true
	default:
		page.Step = step + 1
		values.Set("_reached", strconv.Itoa(max(reached, step+1)))
	}
	page.Sealed, err = w.Seal(session, values)
	return page, err
}

// Start is the first page of a wizard, with nothing typed yet.
func (w *Wizard) Start(session string, initial url.Values) (WizardPage, error) {
	if initial == nil {
		initial = url.Values{}
	}
	initial.Set("_reached", "0")
	sealed, err := w.Seal(session, initial)
	return WizardPage{Values: initial, Sealed: sealed}, err
}

// WizardErrorsField carries a page's messages in its address, sealed like
// the state.
const WizardErrorsField = "_errors"

// Location is the address of page under path: its step, its sealed state
// and its messages, sealed too, in the query. A wizard answers every post
// with a redirect to the page it shows next (post, redirect, get), a step
// that failed its check included, so every page the browser keeps in its
// history is one it can load again rather than a form to post again: the
// browser's Back and Forward land on such addresses (see Resume).
func (w *Wizard) Location(session, path string, page WizardPage) (string, error) {
	q := url.Values{WizardStepField: {strconv.Itoa(page.Step)}, WizardStateField: {page.Sealed}}
	if len(page.Errors) > 0 {
		msgs := url.Values{}
		for k, v := range page.Errors {
			msgs.Set(k, v)
		}
		sealed, err := w.codec.Encode("wizard-errors:"+session, map[string][]string(msgs))
		if err != nil {
			return "", err
		}
		q.Set(WizardErrorsField, sealed)
	}
	return path + "?" + q.Encode(), nil
}

// Resume is the page an address made by Location names: its sealed state
// shown at its step (at most the furthest step reached), with its messages.
// An address without a state is the first page, nothing typed yet.
func (w *Wizard) Resume(session string, query url.Values, steps []WizardStep) (WizardPage, error) {
	if query.Get(WizardStateField) == "" {
		return w.Start(session, nil)
	}
	values, err := w.Open(session, query.Get(WizardStateField))
	if err != nil {
		return WizardPage{}, err
	}
	step := min(max(atoi(query.Get(WizardStepField)), 0), atoi(values.Get("_reached")), len(steps)-1)
	page := WizardPage{Step: step, Values: values, Sealed: query.Get(WizardStateField)}
	if sealed := query.Get(WizardErrorsField); sealed != "" {
		var msgs map[string][]string
		if err := w.codec.Decode("wizard-errors:"+session, sealed, &msgs); err != nil {
			return WizardPage{}, ErrWizardState
		}
		page.Errors = map[string]string{}
		for k, v := range msgs {
			if len(v) > 0 {
				page.Errors[k] = v[0]
			}
		}
	}
	return page, nil
}

// Revisit shows the step owning the first field an operation refused (the
// wizard's last check is the operation's own, at commit), with its messages.
// Every secret is dropped: a refused wizard keeps no password.
func (w *Wizard) Revisit(session string, page WizardPage, steps []WizardStep, fields map[string]string) (WizardPage, error) {
	page.Done, page.Errors, page.Step = false, fields, len(steps)-1
	for _, s := range steps {
		dropSecrets(page.Values, s.Secret)
	}
	for i, s := range steps {
		for _, f := range s.Fields {
			if _, ok := fields[f]; ok && i < page.Step {
				page.Step = i
			}
		}
	}
	var err error
	page.Sealed, err = w.Seal(session, page.Values)
	return page, err
}

func atoi(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		return 0
	}
	return n
}
