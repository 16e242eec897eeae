package tenancy

import "gorm.io/gorm"

// Test-only access to the core's pools for the external tenancy_test package.

// GormForTest is the request traffic's *gorm.DB (on PostgreSQL it logs in as
// the request role), with the scoping callbacks installed.
func (d *DB) GormForTest() *gorm.DB { return d.db }

// OwnerGormForTest is the connection of the database URL's own role, which
// runs the migrations (on PostgreSQL in the tests, a superuser).
func (d *DB) OwnerGormForTest() *gorm.DB { return d.owner }

// OnGormForTest is a core on db (already scoped with RegisterScope), so its
// doors run on it exactly as on the real one. It enters tenants with from's key.
func OnGormForTest(db *gorm.DB, from *DB) *DB {
	sqlDB, _ := db.DB()
	return &DB{db: db, owner: db, sqlDB: sqlDB, postgres: db.Dialector.Name() == "postgres",
		rlsKey: from.rlsKey, appRole: from.appRole, enterSwitching: from.enterSwitching, enterSwitchingNumbered: from.enterSwitchingNumbered}
}
