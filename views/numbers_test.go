package views

import (
	"math"
	"testing"
)

func TestNumberAndCountWriteEveryIntegerTheSameWay(t *testing.T) {
	for i, tc := range [][2]string{
		{Number(0), "0"},
		{Number(-42), "-42"},
		{Number(int64(math.MinInt64)), "-9223372036854775808"},
		{Number(uint64(math.MaxUint64)), "18446744073709551615"},
		{Count(0, "user", "users"), "0 users"},
		{Count(int64(1), "user", "users"), "1 user"},
		{Count(uint64(3), "linked copy", "linked copies"), "3 linked copies"},
		{Limit(0), "no limit"},
		{Limit(50), "50"},
	} {
		if tc[0] != tc[1] {
			t.Errorf("case %d: got %q, want %q", i, tc[0], tc[1])
		}
	}
}
