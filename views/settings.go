package views

// SettingsForm is the tenant's own settings.
type SettingsForm struct {
	IsMaster           bool
	AllowImpersonation bool
	Version            int
	CanEdit            bool
	Errors             map[string]string
}
