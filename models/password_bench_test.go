package models_test

import (
	"testing"

	"landlord/models"
)

// BenchmarkPasswordHash is the cost of one argon2id hash with the OWASP
// parameters: what every login (and every failed one) pays.
func BenchmarkPasswordHash(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := models.HashPassword("correct horse battery staple"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkPasswordCheck(b *testing.B) {
	h, _ := models.HashPassword("correct horse battery staple")
	b.ReportAllocs()
	for b.Loop() {
		if !models.CheckPassword(h, "correct horse battery staple") {
			b.Fatal("mismatch")
		}
	}
}
