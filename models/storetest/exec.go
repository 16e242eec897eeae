package storetest

import (
	"testing"

	"github.com/glebarez/sqlite"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"landlord/models"
)

// Exec runs one statement on s's database behind the store's back, as the
// test's superuser on PostgreSQL (whom row-level security does not bind), and
// returns the rows it affected. It is for states the store's own operations
// never leave, which a defence must still handle.
func Exec(t testing.TB, s *models.Store, query string, args ...any) int64 {
	t.Helper()
	v, ok := opened.Load(s)
	if !ok {
		t.Fatal("storetest.Exec: the store was not opened by storetest.Open")
	}
	opts := v.(models.Options)
	var dialector gorm.Dialector
	if opts.PostgresURL != "" {
		dialector = postgres.Open(opts.PostgresURL)
	} else {
		dialector = sqlite.Open(opts.SQLitePath + "?_pragma=busy_timeout(10000)")
	}
	db, err := gorm.Open(dialector, &gorm.Config{Logger: logger.Discard})
	if err != nil {
		t.Fatalf("storetest.Exec: %v", err)
	}
	if sqlDB, err := db.DB(); err == nil {
		defer sqlDB.Close()
	}
	res := db.Exec(query, args...)
	if res.Error != nil {
		t.Fatalf("storetest.Exec %q: %v", query, res.Error)
	}
	return res.RowsAffected
}
