package handlers

import (
	"crypto/sha256"
	"errors"
	"net/url"

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
