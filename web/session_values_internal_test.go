package web

import (
	"reflect"
	"testing"
)

// The cookie codec must give back exactly what it was given: a key it loses
// or renames would silently sign someone out or drop their CSRF token.
func TestSessionValuesComeBackAsTheyWereWritten(t *testing.T) {
	in := map[any]any{
		"tenant":  uint64(3),
		"sid":     "abc=&def",
		"csrf":    "",
		"flashes": []any{"info|one", "success|two & three"},
		"":        "a key may even be empty",
	}
	data, err := sessionValues{}.Serialize(in)
	if err != nil {
		t.Fatal(err)
	}
	out := map[any]any{}
	if err := (sessionValues{}).Deserialize(data, &out); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(in, out) {
		t.Fatalf("round trip:\n in %#v\nout %#v", in, out)
	}
}

// Only what Serialize writes decodes; anything else is an error, never a
// panic or a value under a made-up key.
func TestSessionValuesRefuseWhatTheyDidNotWrite(t *testing.T) {
	for _, data := range []string{
		"a=1",      // too short to carry a type
		"=1",       // no key at all
		"sx=1",     // a type letter without its colon
		"q:k=1",    // an unknown type
		"u:n=many", // not a number
		"%zz",      // not form-encoded
	} {
		out := map[any]any{}
		func() {
			defer func() {
				if p := recover(); p != nil {
					t.Errorf("%q: panic %v", data, p)
				}
			}()
			if err := (sessionValues{}).Deserialize([]byte(data), &out); err == nil {
				t.Errorf("%q decoded to %#v, want an error", data, out)
			}
		}()
	}
}
