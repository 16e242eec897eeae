package storetest

import (
	"testing"

	"landlord/models"
)

// Exec runs one statement on s's database behind the store's back, as the
// test's superuser on PostgreSQL (whom row-level security does not bind), and
// returns the rows it affected. It is for states the store's own operations
// never leave, which a defence must still handle.
func Exec(t testing.TB, s *models.Store, query string, args ...any) int64 {
	t.Helper()
	res := direct(t, s).Exec(query, args...)
	if res.Error != nil {
		t.Fatalf("storetest.Exec %q: %v", query, res.Error)
	}
	return res.RowsAffected
}

// Scan reads query's rows into dest (a pointer to a slice) behind the
// store's back, as Exec writes.
func Scan(t testing.TB, s *models.Store, dest any, query string, args ...any) {
	t.Helper()
	if err := direct(t, s).Raw(query, args...).Scan(dest).Error; err != nil {
		t.Fatalf("storetest.Scan %q: %v", query, err)
	}
}
