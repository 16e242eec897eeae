package views

// RoleWizard is one page of the create-role wizard: the step shown, every
// value typed so far, this step's messages ("" key: the whole form) and the
// sealed state the page posts back.
type RoleWizard struct {
	Steps       []string
	Step        int
	StepName    string // details, levels, groups or review
	Sealed      string
	Values      map[string]string
	Errors      map[string]string
	CanTemplate bool // the master: a role may be a multi-tenant template
	Matrix      Matrix
	Groups      []RoleWizardGroup
	Review      RoleReview
	StepLinks   []string // the address of each step reached, values kept
}

// RoleWizardGroup is one resource group in the wizard's group access: the
// level chosen ("": the role's default), the most the visitor may give
// there, the role's default, the tenant role's cap on resources ("" in the
// master) and what the role gives there in effect.
type RoleWizardGroup struct {
	Field, Name, Level string
	Most, Default, Cap string
	Gives, Error       string
}

// RoleReview is what the review shows: the role as typed, each feature's
// level and what it gives in effect after the tenant role's cap, and for a
// template how many subtenants receive a copy.
type RoleReview struct {
	Name, Description string
	Template          bool
	Copies            int64
	CapName           string // "" in the master
	Levels            []ReviewLevel
}

// ReviewLevel is one feature's level in the review.
type ReviewLevel struct {
	Feature, Level, Effective string
}

// aboveMost says whether level l is more than the visitor may give.
func aboveMost(l, most string) bool { return most != "" && levelRank(l) > levelRank(most) }

// levelOf is the level a matrix gives feature f.
func levelOf(m Matrix, f string) string {
	for _, r := range m.Rows {
		if r.Feature == f {
			return r.Level
		}
	}
	return "none"
}

func groupDescribedBy(g RoleWizardGroup) string {
	if g.Error != "" {
		return "hint-" + g.Field + " error-" + g.Field
	}
	return "hint-" + g.Field
}
