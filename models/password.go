package models

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
	"golang.org/x/crypto/bcrypt"
)

// Argon2id parameters from the OWASP Password Storage Cheat Sheet:
// 19 MiB of memory, 2 iterations, 1 degree of parallelism.
const (
	argonMemory  = 19 * 1024
	argonTime    = 2
	argonThreads = 1
	argonKeyLen  = 32
	argonSaltLen = 16
)

// Lengths of what a person types: the shortest password accepted, and the
// longest password, username or email any form takes (longer input is refused
// before any database or hashing work).
const (
	MinPasswordLength = 12
	MaxPasswordLength = 1024
	MaxLoginLength    = 254
)

// HashPassword returns a PHC-format argon2id hash of password.
func HashPassword(password string) (string, error) {
	salt := make([]byte, argonSaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(password), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, argonMemory, argonTime, argonThreads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// CheckPassword reports whether password matches hash (argon2id or bcrypt).
func CheckPassword(hash, password string) bool {
	if strings.HasPrefix(hash, "$2a$") || strings.HasPrefix(hash, "$2b$") || strings.HasPrefix(hash, "$2y$") {
		return bcrypt.CompareHashAndPassword([]byte(hash), []byte(password)) == nil
	}
	ok, err := checkArgon2id(hash, password)
	return err == nil && ok
}

func checkArgon2id(hash, password string) (bool, error) {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, errors.New("not an argon2id hash")
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false, errors.New("unsupported argon2 version")
	}
	var mem, iters uint32
	var threads uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &mem, &iters, &threads); err != nil {
		return false, err
	}
	b64 := base64.RawStdEncoding
	salt, err := b64.DecodeString(parts[4])
	if err != nil {
		return false, err
	}
	want, err := b64.DecodeString(parts[5])
	if err != nil {
		return false, err
	}
	got := argon2.IDKey([]byte(password), salt, iters, mem, threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// dummyHash is compared against when the user does not exist, so an unknown
// user costs the same time as a wrong password.
var dummyHash = func() string {
	h, err := HashPassword("landlord-dummy-password-for-timing")
	if err != nil {
		panic(err)
	}
	return h
}()

// PasswordRule is the strength rule for a new password, as the pages state it.
var PasswordRule = fmt.Sprintf("At least %d characters, and not the username or the email address.", MinPasswordLength)

// PasswordProblem says what is wrong with password as the new password of
// the user with this username and email, or "" when nothing is.
func PasswordProblem(password, username, email string) string {
	trimmed := strings.TrimSpace(password)
	switch {
	case password == "":
		return "Enter a password."
	case utf8.RuneCountInString(password) < MinPasswordLength:
		return fmt.Sprintf("Use at least %d characters.", MinPasswordLength)
	case len(password) > MaxPasswordLength:
		return fmt.Sprintf("Use at most %d characters.", MaxPasswordLength)
	case username != "" && strings.EqualFold(trimmed, strings.TrimSpace(username)),
		email != "" && strings.EqualFold(trimmed, strings.TrimSpace(email)):
		return "Choose a password that is not the username or the email address."
	}
	return ""
}
