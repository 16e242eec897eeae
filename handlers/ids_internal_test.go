package handlers

import (
	"errors"
	"testing"
)

func TestAnIDIsADecimalFromOneToTheLargestBigint(t *testing.T) {
	for s, want := range map[string]uint64{"1": 1, "42": 42, "9223372036854775807": 1<<63 - 1} {
		if id, ok := ParseID(s); !ok || id != want {
			t.Errorf("ParseID(%q) = %d, %v; want %d", s, id, ok, want)
		}
	}
	for _, s := range []string{"", "0", "00", "007", "-1", "+5", " 5", "5 ", "1e3", "0x10", "1_000", "٣", "9223372036854775808",
		"18446744073709551615", "18446744073709551616", "99999999999999999999999"} {
		if id, ok := ParseID(s); ok {
			t.Errorf("ParseID(%q) = %d, an id", s, id)
		}
	}
}

func TestAVersionBeyondAnyRecordsIsZeroAndOneThatIsNoNumberIsRefused(t *testing.T) {
	for s, want := range map[string]int{"1": 1, "0": 0, "2147483647": 1<<31 - 1, "2147483648": 0, "9223372036854775808": 0, "18446744073709551616": 0} {
		if v, err := parseVersion(s); err != nil || v != want {
			t.Errorf("parseVersion(%q) = %d, %v; want %d", s, v, err, want)
		}
	}
	for _, s := range []string{"", "-1", "+5", " 5", "1e3", "0x10", "01"} {
		if _, err := parseVersion(s); !errors.Is(err, errFormIncomplete) {
			t.Errorf("parseVersion(%q): %v, want the form refused", s, err)
		}
	}
}
