// Package config reads Landlord's settings from the environment once, into a
// typed struct, and validates them at start.
package config

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
)

// Config holds every setting.
type Config struct {
	Addr          string     // LANDLORD_ADDR, default ":8080"
	BaseDomain    string     // LANDLORD_BASE_DOMAIN, default "localhost"
	DatabaseURL   string     // LANDLORD_DATABASE_URL; "" means embedded SQLite
	DataDir       string     // LANDLORD_DATA_DIR, default "./data"
	SessionSecret []byte     // LANDLORD_SESSION_SECRET; unset: kept in DataDir/session.key
	LogLevel      slog.Level // LANDLORD_LOG_LEVEL: debug, info, warn or error
}

// MinSecretLength is the shortest session secret accepted, in bytes.
const MinSecretLength = 32

var dnsLabel = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`)

// Load reads the settings through getenv and validates them; every bad value is
// reported, each naming its variable and what is expected.
func Load(getenv func(string) string) (Config, error) {
	get := func(name, def string) string {
		if v := strings.TrimSpace(getenv(name)); v != "" {
			return v
		}
		return def
	}
	var errs []error
	bad := func(name, value, expected string) {
		errs = append(errs, fmt.Errorf("%s %q: expected %s", name, value, expected))
	}
	c := Config{
		Addr:        get("LANDLORD_ADDR", ":8080"),
		BaseDomain:  strings.TrimSuffix(strings.ToLower(get("LANDLORD_BASE_DOMAIN", "localhost")), "."),
		DatabaseURL: get("LANDLORD_DATABASE_URL", ""),
		DataDir:     get("LANDLORD_DATA_DIR", "./data"),
	}
	if _, port, err := net.SplitHostPort(c.Addr); err != nil {
		bad("LANDLORD_ADDR", c.Addr, "host:port with a numeric port, like :8080")
	} else if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		bad("LANDLORD_ADDR", c.Addr, "host:port with a numeric port, like :8080")
	}
	if !validDomain(c.BaseDomain) {
		bad("LANDLORD_BASE_DOMAIN", c.BaseDomain, "a DNS name without scheme or port, like console.example.com")
	}
	if c.DatabaseURL != "" {
		u, err := url.Parse(c.DatabaseURL)
		if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") || u.Host == "" {
			bad("LANDLORD_DATABASE_URL", redact(c.DatabaseURL), "a postgres:// URL (unset for the embedded database)")
		}
	}
	if s := getenv("LANDLORD_SESSION_SECRET"); s != "" {
		if len(s) < MinSecretLength {
			errs = append(errs, fmt.Errorf("LANDLORD_SESSION_SECRET: expected at least %d bytes, got %d", MinSecretLength, len(s)))
		}
		c.SessionSecret = []byte(s)
	}
	switch lvl := strings.ToLower(get("LANDLORD_LOG_LEVEL", "info")); lvl {
	case "debug":
		c.LogLevel = slog.LevelDebug
	case "info":
		c.LogLevel = slog.LevelInfo
	case "warn":
		c.LogLevel = slog.LevelWarn
	case "error":
		c.LogLevel = slog.LevelError
	default:
		bad("LANDLORD_LOG_LEVEL", lvl, "debug, info, warn or error")
	}
	return c, errors.Join(errs...)
}

func validDomain(d string) bool {
	if d == "" || len(d) > 253 {
		return false
	}
	for _, label := range strings.Split(d, ".") {
		if !dnsLabel.MatchString(label) {
			return false
		}
	}
	return true
}

// redact hides a password in a database URL before it is shown.
func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		return raw
	}
	if _, has := u.User.Password(); has {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}

// UsesSQLite reports whether the embedded database is in use.
func (c Config) UsesSQLite() bool { return c.DatabaseURL == "" }

// SQLitePath is the embedded database's file.
func (c Config) SQLitePath() string { return filepath.Join(c.DataDir, "landlord.db") }

// Port is the port part of Addr.
func (c Config) Port() string {
	_, port, _ := net.SplitHostPort(c.Addr)
	return port
}

// LoadOrCreateSessionSecret fills SessionSecret when the environment did not:
// from DataDir/session.key, created once with random bytes.
func (c *Config) LoadOrCreateSessionSecret() error {
	if len(c.SessionSecret) > 0 {
		return nil
	}
	path := filepath.Join(c.DataDir, "session.key")
	raw, err := os.ReadFile(path)
	if err == nil {
		secret, derr := hex.DecodeString(strings.TrimSpace(string(raw)))
		if derr != nil || len(secret) < MinSecretLength {
			return fmt.Errorf("%s: expected at least %d hex-encoded random bytes", path, MinSecretLength)
		}
		c.SessionSecret = secret
		return nil
	}
	if !errors.Is(err, os.ErrNotExist) {
		return err
	}
	if err := os.MkdirAll(c.DataDir, 0o700); err != nil {
		return err
	}
	secret := make([]byte, 64)
	if _, err := rand.Read(secret); err != nil {
		return err
	}
	// O_EXCL: two processes starting at once must not each write their own secret.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, os.ErrExist) {
		return c.LoadOrCreateSessionSecret()
	}
	if err != nil {
		return err
	}
	defer f.Close()
	if _, err := f.WriteString(hex.EncodeToString(secret) + "\n"); err != nil {
		return err
	}
	c.SessionSecret = secret
	return f.Sync()
}
