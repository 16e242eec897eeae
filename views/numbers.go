package views

import "strconv"

// integer is any whole-number type a page shows.
type integer interface {
	~int | ~int8 | ~int16 | ~int32 | ~int64 | ~uint | ~uint8 | ~uint16 | ~uint32 | ~uint64
}

// Number writes n in decimal: the one way pages and their links show a count,
// an id or a version.
func Number[N integer](n N) string {
	if n < 0 {
		return strconv.FormatInt(int64(n), 10)
	}
	return strconv.FormatUint(uint64(n), 10)
}

// Count is n with its noun: Count(1, "user", "users") is "1 user",
// Count(3, "user", "users") "3 users".
func Count[N integer](n N, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return Number(n) + " " + many
}

// Limit is a tenant's limit as a person reads it: "no limit" for 0.
func Limit(n int) string {
	if n <= 0 {
		return "no limit"
	}
	return Number(n)
}
