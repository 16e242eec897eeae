package handlers_test

import (
	"testing"

	"landlord/models"
	"landlord/views"
)

// The models name features in their messages, the views on the pages; the
// two must say the same, and neither the key.
func TestFeatureLabelsAreTheSameInMessagesAndOnPages(t *testing.T) {
	for _, f := range models.Features {
		if got, want := f.Label(), views.FeatureLabel(string(f)); got != want || got == string(f) {
			t.Errorf("%s: models say %q, the pages %q", f, got, want)
		}
	}
}
