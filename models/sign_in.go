package models

import (
	"context"
	"errors"
	"strings"
)

// LoginAttempt is a sign-in as typed on a host.
type LoginAttempt struct {
	Host     *Tenant // the tenant whose host the form was posted to
	OnBase   bool    // posted on the base domain, where subdomain\username names another tenant
	Login    string  // username or email, or subdomain\username on the base domain
	Password string
}

// Account is the tenant key and name an attempt is for, however it reached
// the account (the tenant's host, or subdomain\username on the base domain).
func (a LoginAttempt) Account() (tenantKey, name string) {
	login := strings.TrimSpace(a.Login)
	if sub, user, ok := strings.Cut(login, `\`); ok && a.OnBase {
		return strings.ToLower(strings.TrimSpace(sub)), strings.TrimSpace(user)
	}
	return a.Host.Subdomain, login
}

// TooLong says whether the attempt is longer than any account's: a username
// or email (after subdomain\ on the base domain) over MaxLoginLength bytes,
// a tenant key over 63, or a password over MaxPasswordLength. LogIn refuses
// such an attempt before any database or throttle work.
func (a LoginAttempt) TooLong() bool {
	if len(a.Password) > MaxPasswordLength {
		return true
	}
	key, name := a.Account()
	return len(name) > MaxLoginLength || len(key) > 63
}

// LoginResult is who signed in and where their session opens.
type LoginResult struct {
	User   *User
	Tenant *Tenant // the user's tenant
	// Handoff is a one-time token that opens the session on Tenant's own host,
	// when that is not the host the form was posted to.
	Handoff string
}

// LogIn checks an attempt: it finds the tenant it names, counts the attempt
// against the account and the client's address (ErrTooManyAttempts when
// either failed too often lately), checks the credentials (every other
// failure is ErrInvalidCredentials after the same hashing work, but for
// ErrTenantDisabled on the disabled tenant's host after the right password;
// all are audited), and, for a tenant other than the host's, issues the handoff that
// carries the login to that tenant's host.
func (s *Store) LogIn(ctx context.Context, a LoginAttempt) (*LoginResult, error) {
	if a.TooLong() {
		return nil, ErrInvalidCredentials // before any database, throttle or hashing work
	}
	key, name := a.Account()
	target := a.Host
	if key != a.Host.Subdomain {
		t, err := s.TenantBySubdomain(ctx, key)
		switch {
		case errors.Is(err, ErrNotFound):
			target = nil
		case err != nil:
			return nil, err
		default:
			target = t
		}
	}
	u, err := s.authenticate(ctx, target, key, name, a.Password)
	if errors.Is(err, ErrTenantDisabled) && target.ID != a.Host.ID {
		// Told on the disabled tenant's own host only; the base domain's
		// subdomain\username keeps the one message for every failure.
		err = ErrInvalidCredentials
	}
	if err != nil {
		return nil, err
	}
	res := &LoginResult{User: u, Tenant: target}
	if target.ID != a.Host.ID {
		if res.Handoff, err = s.IssueHandoff(ctx, u); err != nil {
			return nil, err
		}
	}
	return res, nil
}
