package models

import (
	"fmt"
	"testing"
)

// While impersonated, a user's level on each feature is the lower of their
// own (role capped by the tenant role) and the impersonator's, over every
// combination of the three levels; Level and Permissions agree.
func TestImpersonatedRightsAreTheLowestOfRoleCapAndImpersonator(t *testing.T) {
	levels := []Level{LevelNone, LevelRead, LevelFull}
	for _, role := range levels {
		for _, cap := range levels {
			for _, theirs := range levels {
				t.Run(fmt.Sprintf("role %s cap %s impersonator %s", role, cap, theirs), func(t *testing.T) {
					u := User{Role: &Role{Permissions: Permissions{FeatureAudit: role}}, Capped: true, Cap: Permissions{FeatureAudit: cap},
						Impersonation: &Impersonation{ImpersonatorRights: Permissions{FeatureAudit: theirs}}}
					want := min(role, cap, theirs)
					if got := u.Level(FeatureAudit); got != want {
						t.Errorf("Level = %s, want %s", got, want)
					}
					if got := u.Permissions().Level(FeatureAudit); got != want {
						t.Errorf("Permissions = %s, want %s", got, want)
					}
					if got := u.OwnLevel(FeatureAudit); got != min(role, cap) {
						t.Errorf("OwnLevel = %s, want %s", got, min(role, cap))
					}
					u.Impersonation = nil
					if got := u.Level(FeatureAudit); got != min(role, cap) {
						t.Errorf("not impersonated: Level = %s, want %s", got, min(role, cap))
					}
				})
			}
		}
	}
}
