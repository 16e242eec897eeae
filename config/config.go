// Package config reads Landlord's settings from the environment once, into a
// typed struct, and validates them at start.
package config

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Config holds every setting, read once from the environment at start.
type Config struct {
	Addr        string // LANDLORD_ADDR, default ":8080"
	BaseDomain  string // LANDLORD_BASE_DOMAIN, default "localhost"; lower-cased, no trailing dot
	DatabaseURL string // LANDLORD_DATABASE_URL; "" means embedded SQLite, else postgres:// or postgresql://
	// AppDatabaseURL (LANDLORD_APP_DATABASE_URL) is the login request traffic
	// uses on PostgreSQL when the owner may not give the application role a
	// login itself; "" lets the owner do so.
	AppDatabaseURL string
	// AppRole (LANDLORD_APP_ROLE) is the PostgreSQL role request traffic runs
	// as, this installation's alone; "" names it from the database (and the
	// schema, if not public): landlord_app_<database>. With
	// LANDLORD_APP_DATABASE_URL it defaults to landlord_app, the role such a
	// login was made a member of before each installation had its own.
	AppRole       string
	DataDir       string     // LANDLORD_DATA_DIR, default "./data"
	SessionSecret []byte     // LANDLORD_SESSION_SECRET (>= MinSecretLength bytes); unset: see LoadOrCreateSessionSecret
	LogLevel      slog.Level // LANDLORD_LOG_LEVEL: debug, info, warn or error; default info
	// TrustedProxies (LANDLORD_TRUSTED_PROXIES, comma-separated CIDRs or single
	// IPs) are the peers whose X-Forwarded-For and X-Forwarded-Proto count.
	// Empty by default: no peer, not even loopback, speaks for the client.
	TrustedProxies []*net.IPNet
	// ImpersonationLimit (LANDLORD_IMPERSONATION_MINUTES, default 30) is how
	// long an impersonation lasts before it ends by itself.
	ImpersonationLimit time.Duration
	// AuditKey (LANDLORD_AUDIT_KEY, >= MinSecretLength bytes) keys each
	// tenant's audit chain and signs its checkpoints; unset: see AuditChainKey.
	AuditKey []byte
	// DBMaxConns (LANDLORD_DB_MAX_CONNS) is how many connections request
	// traffic keeps to PostgreSQL at most; 0 (unset) means four per CPU.
	DBMaxConns int
}

// DefaultImpersonationLimit is how long an impersonation lasts unless
// LANDLORD_IMPERSONATION_MINUTES says otherwise.
const DefaultImpersonationLimit = 30 * time.Minute

// MinSecretLength is the shortest session secret accepted, in bytes.
const MinSecretLength = 32

// sessionKeyBytes is the length of a generated session secret.
const sessionKeyBytes = 64

// Load reads the settings through getenv (os.Getenv, or a map lookup in tests)
// and validates them. Every bad value is reported (joined with errors.Join),
// each naming its variable and what is expected.
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
		Addr:           get("LANDLORD_ADDR", ":8080"),
		DatabaseURL:    get("LANDLORD_DATABASE_URL", ""),
		AppDatabaseURL: get("LANDLORD_APP_DATABASE_URL", ""),
		AppRole:        get("LANDLORD_APP_ROLE", ""),
		DataDir:        get("LANDLORD_DATA_DIR", "./data"),
	}

	if !validAddr(c.Addr) {
		bad("LANDLORD_ADDR", c.Addr, "host:port with a numeric port (0-65535), like :8080")
	}

	rawDomain := get("LANDLORD_BASE_DOMAIN", "localhost")
	c.BaseDomain = strings.TrimSuffix(strings.ToLower(rawDomain), ".")
	if !validDomain(c.BaseDomain) {
		bad("LANDLORD_BASE_DOMAIN", rawDomain, "a DNS name without scheme or port, like console.example.com")
	}

	if c.DatabaseURL != "" && !validPostgresURL(c.DatabaseURL) {
		bad("LANDLORD_DATABASE_URL", redact(c.DatabaseURL), "a postgres:// or postgresql:// URL, or unset for the embedded SQLite database")
	}
	switch {
	case c.AppDatabaseURL != "" && !validPostgresURL(c.AppDatabaseURL):
		bad("LANDLORD_APP_DATABASE_URL", redact(c.AppDatabaseURL), "a postgres:// or postgresql:// URL")
	case c.AppDatabaseURL != "" && c.DatabaseURL == "":
		bad("LANDLORD_APP_DATABASE_URL", redact(c.AppDatabaseURL), "unset, since LANDLORD_DATABASE_URL is (the embedded SQLite database has no roles)")
	}

	switch {
	case c.AppRole != "" && !validRoleName(c.AppRole):
		bad("LANDLORD_APP_ROLE", c.AppRole, "a role name of lower-case letters, digits and _, at most 63, not starting with a digit")
	case c.AppRole != "" && c.DatabaseURL == "":
		bad("LANDLORD_APP_ROLE", c.AppRole, "unset, since LANDLORD_DATABASE_URL is (the embedded SQLite database has no roles)")
	case c.AppRole == "" && c.AppDatabaseURL != "":
		c.AppRole = "landlord_app"
	}

	if raw := get("LANDLORD_DB_MAX_CONNS", ""); raw != "" {
		n, err := strconv.Atoi(raw)
		switch {
		case err != nil || n < 1 || n > 1000 || strings.ContainsAny(raw, "+-"):
			bad("LANDLORD_DB_MAX_CONNS", raw, "a whole number from 1 to 1000")
		case c.DatabaseURL == "":
			bad("LANDLORD_DB_MAX_CONNS", raw, "unset, since LANDLORD_DATABASE_URL is (the embedded SQLite database takes one connection)")
		default:
			c.DBMaxConns = n
		}
	}

	// The secret is taken as given (no trimming) and never echoed in errors.
	if s := getenv("LANDLORD_SESSION_SECRET"); s != "" {
		if len(s) < MinSecretLength {
			errs = append(errs, fmt.Errorf("LANDLORD_SESSION_SECRET: expected at least %d bytes, got %d", MinSecretLength, len(s)))
		}
		c.SessionSecret = []byte(s)
	}

	// Like the session secret: as given, never echoed.
	if k := getenv("LANDLORD_AUDIT_KEY"); k != "" {
		if len(k) < MinSecretLength {
			errs = append(errs, fmt.Errorf("LANDLORD_AUDIT_KEY: expected at least %d bytes, got %d", MinSecretLength, len(k)))
		}
		c.AuditKey = []byte(k)
	}

	rawLevel := get("LANDLORD_LOG_LEVEL", "info")
	switch strings.ToLower(rawLevel) {
	case "debug":
		c.LogLevel = slog.LevelDebug
	case "info":
		c.LogLevel = slog.LevelInfo
	case "warn":
		c.LogLevel = slog.LevelWarn
	case "error":
		c.LogLevel = slog.LevelError
	default:
		bad("LANDLORD_LOG_LEVEL", rawLevel, "debug, info, warn or error")
	}

	rawProxies := get("LANDLORD_TRUSTED_PROXIES", "")
	proxies, badEntry := parseIPRanges(rawProxies)
	if badEntry != "" {
		bad("LANDLORD_TRUSTED_PROXIES", rawProxies, fmt.Sprintf("IP addresses or CIDR ranges separated by commas, like 10.0.0.0/8,192.0.2.7 (%q is neither)", badEntry))
	}
	c.TrustedProxies = proxies

	rawMinutes := get("LANDLORD_IMPERSONATION_MINUTES", strconv.Itoa(int(DefaultImpersonationLimit.Minutes())))
	minutes, err := strconv.Atoi(rawMinutes)
	if err != nil || minutes < 1 || minutes > 24*60 || strings.ContainsAny(rawMinutes, "+-") {
		bad("LANDLORD_IMPERSONATION_MINUTES", rawMinutes, "a whole number of minutes from 1 to 1440")
	}
	c.ImpersonationLimit = time.Duration(minutes) * time.Minute

	return c, errors.Join(errs...)
}

// parseIPRanges reads comma-separated CIDR ranges and single addresses (a
// range of one); blank entries are skipped. On failure it returns the first
// entry that is neither.
func parseIPRanges(raw string) ([]*net.IPNet, string) {
	var ranges []*net.IPNet
	for _, entry := range strings.Split(raw, ",") {
		entry = strings.TrimSpace(entry)
		if entry == "" {
			continue
		}
		if strings.Contains(entry, "/") {
			_, r, err := net.ParseCIDR(entry)
			if err != nil {
				return nil, entry
			}
			ranges = append(ranges, r)
			continue
		}
		ip := net.ParseIP(entry)
		if ip == nil {
			return nil, entry
		}
		bits := 8 * net.IPv6len
		if v4 := ip.To4(); v4 != nil {
			ip, bits = v4, 8*net.IPv4len
		}
		ranges = append(ranges, &net.IPNet{IP: ip, Mask: net.CIDRMask(bits, bits)})
	}
	return ranges, ""
}

// validAddr accepts host:port where port is 0-65535 written in decimal digits
// only (strconv.Atoi alone would also take "+80" or "-0").
func validAddr(addr string) bool {
	_, port, err := net.SplitHostPort(addr)
	if err != nil || port == "" || len(port) > 5 {
		return false
	}
	for _, r := range port {
		if r < '0' || r > '9' {
			return false
		}
	}
	n, err := strconv.Atoi(port)
	return err == nil && n <= 65535
}

// validDomain checks an already lower-cased name: labels of 1-63 characters
// of [a-z0-9-], not starting or ending with '-', at most 253 characters in all.
// A scheme or port fails on ':' and '/'.
func validDomain(d string) bool {
	if d == "" || len(d) > 253 {
		return false
	}
	for _, label := range strings.Split(d, ".") {
		if len(label) < 1 || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for i := 0; i < len(label); i++ {
			ch := label[i]
			if !(ch >= 'a' && ch <= 'z' || ch >= '0' && ch <= '9' || ch == '-') {
				return false
			}
		}
	}
	return true
}

// validPostgresURL requires the postgres:// or postgresql:// prefix and a URL
// net/url can parse. The host may be empty: libpq takes
// postgres:///db?host=/run/postgresql for a Unix socket.
// validRoleName is what a request role's name may be: written into SQL as it
// is (models/tenancy checks the same).
func validRoleName(name string) bool {
	if name == "" || len(name) > 63 || name[0] >= '0' && name[0] <= '9' {
		return false
	}
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_') {
			return false
		}
	}
	return true
}

func validPostgresURL(raw string) bool {
	lower := strings.ToLower(raw)
	if !strings.HasPrefix(lower, "postgres://") && !strings.HasPrefix(lower, "postgresql://") {
		return false
	}
	_, err := url.Parse(raw)
	return err == nil
}

// redact hides a password in a database URL before it is shown.
func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		// Cannot tell where the password is; show only what precedes "://".
		if i := strings.Index(raw, "://"); i >= 0 {
			return raw[:i+3] + "…"
		}
		return "…"
	}
	if u.User == nil {
		return raw
	}
	if _, has := u.User.Password(); has {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}

// UsesSQLite reports whether the embedded database is in use.
func (c Config) UsesSQLite() bool { return c.DatabaseURL == "" }

// SQLitePath is the embedded database's file: DataDir/landlord.db.
func (c Config) SQLitePath() string { return filepath.Join(c.DataDir, "landlord.db") }

// Port is the port part of Addr ("8080" for ":8080"); "" if Addr is invalid.
func (c Config) Port() string {
	_, port, _ := net.SplitHostPort(c.Addr)
	return port
}

// DevelopmentDomain says whether the base domain is localhost or a name under
// it (RFC 6761): browsers resolve those to this machine only, so the console's
// address is no secret worth keeping from someone who reached it another way.
func (c Config) DevelopmentDomain() bool {
	return c.BaseDomain == "localhost" || strings.HasSuffix(c.BaseDomain, ".localhost")
}

// ConsoleURL is the master console's address reached directly on port, which
// the server speaks plain HTTP on: http://<base domain>[:port], the port left
// out when it is 80 or not a port number.
func (c Config) ConsoleURL(port string) string {
	host := c.BaseDomain
	if n, err := strconv.Atoi(port); err == nil && n > 0 && n <= 65535 && n != 80 && strconv.Itoa(n) == port {
		host = net.JoinHostPort(host, port)
	}
	return "http://" + host
}

// SessionKeyPath is the file that keeps the session secret when the
// environment does not give one: DataDir/session.key.
func (c Config) SessionKeyPath() string { return filepath.Join(c.DataDir, "session.key") }

// LoadOrCreateSessionSecret fills SessionSecret when the environment did not.
// It reads DataDir/session.key (hex-encoded) or, if the file does not exist,
// creates it once with 64 random bytes from crypto/rand, mode 0600, creating
// DataDir with mode 0700 if needed. An existing file that does not decode to
// at least MinSecretLength bytes is an error; it is never overwritten.
func (c *Config) LoadOrCreateSessionSecret() error {
	if len(c.SessionSecret) > 0 {
		return nil
	}
	if c.DataDir == "" {
		return errors.New("session secret: DataDir is empty")
	}
	path := c.SessionKeyPath()
	secret, err := readSessionKey(path)
	if err == nil {
		c.SessionSecret = secret
		return nil
	}
	if !errors.Is(err, os.ErrNotExist) {
		return err
	}
	if err := os.MkdirAll(c.DataDir, 0o700); err != nil {
		return fmt.Errorf("session secret: %w", err)
	}
	secret = make([]byte, sessionKeyBytes)
	if _, err := rand.Read(secret); err != nil {
		return fmt.Errorf("session secret: %w", err)
	}
	switch err := publishFile(path, []byte(hex.EncodeToString(secret)+"\n")); {
	case err == nil:
		c.SessionSecret = secret
		return nil
	case errors.Is(err, os.ErrExist):
		// Another process created it first: use that one.
		secret, err := readSessionKey(path)
		if err != nil {
			return err
		}
		c.SessionSecret = secret
		return nil
	default:
		return fmt.Errorf("session secret: %w", err)
	}
}

// auditKeyLabel fixes what the audit key derived from the session secret
// is for, so it is no other key made from that secret.
const auditKeyLabel = "landlord audit chain v1"

// AuditChainKey is the key of the audit chains: LANDLORD_AUDIT_KEY, or else
// one derived from the session secret (loaded or made first), so it never
// lives in the database.
func (c *Config) AuditChainKey() ([]byte, error) {
	if len(c.AuditKey) > 0 {
		return c.AuditKey, nil
	}
	if err := c.LoadOrCreateSessionSecret(); err != nil {
		return nil, err
	}
	m := hmac.New(sha256.New, c.SessionSecret)
	m.Write([]byte(auditKeyLabel))
	return m.Sum(nil), nil
}

func readSessionKey(path string) ([]byte, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err // keeps os.ErrNotExist visible to the caller
	}
	secret, err := hex.DecodeString(strings.TrimSpace(string(raw)))
	if err != nil || len(secret) < MinSecretLength {
		return nil, fmt.Errorf("%s: expected at least %d hex-encoded random bytes; remove the file to have a new secret made (this signs everyone out)", path, MinSecretLength)
	}
	return secret, nil
}

// publishFile writes data to a temporary file beside path (mode 0600), syncs
// it, then hard-links it into place, so path appears only complete and an
// existing path is never replaced (os.ErrExist is returned instead). Where
// hard links are not supported it falls back to an exclusive create.
func publishFile(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".session.key-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	_, werr := tmp.Write(data)
	if werr == nil {
		werr = tmp.Chmod(0o600) // CreateTemp uses 0600, but make it exact whatever the umask
	}
	if werr == nil {
		werr = tmp.Sync()
	}
	if cerr := tmp.Close(); werr == nil {
		werr = cerr
	}
	if werr != nil {
		return werr
	}
	lerr := os.Link(tmp.Name(), path)
	if lerr == nil || errors.Is(lerr, os.ErrExist) {
		return lerr
	}
	// No hard links on this filesystem: create path exclusively instead.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	_, werr = f.Write(data)
	if werr == nil {
		werr = f.Chmod(0o600)
	}
	if werr == nil {
		werr = f.Sync()
	}
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	return werr
}
