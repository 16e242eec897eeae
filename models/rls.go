package models

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
)

// Row-level security on PostgreSQL, against SQL that runs on a request's own
// connection (an injection, a raw statement gone wrong), not only against
// scoping bugs:
//
//   - Request traffic logs in as AppRole, which is neither superuser,
//     BYPASSRLS nor owner of any table, so RESET ROLE gains nothing.
//   - The policies do not trust a plain setting. A transaction enters its
//     tenant through landlord_enter(tenant, across, proof): the proof is an
//     HMAC, with a key only the owner can read, that the server computes; the
//     function then stores the scope (the tenant, or -1 across tenants) in
//     the setting landlord.scope with an HMAC that binds it to this backend
//     and this transaction (pg_backend_pid() and the transaction's start), and
//     the policies accept only a scope that verifies (landlord_scope()).
//     A forged setting, or one seen elsewhere and replayed, confines to nothing.
//
// The key lives in landlord_keys (owner only); the server reads it with the
// owner's connection when it migrates, and then closes that connection
// (Store.CloseOwner): a running server keeps the key in memory only. The
// functions and policies are migrations 5 and later
// (migrations/postgres/0005_signed_tenant_context.sql).

// loadKey reads the tenant-context key with the owner's connection.
func (s *Store) loadKey(ctx context.Context) error {
	owner, err := s.ownerDB()
	if err != nil {
		return err
	}
	var key []byte
	err = owner.WithContext(internalSQL(ctx)).Raw("SELECT key FROM landlord_keys WHERE id = 1").Row().Scan(&key)
	if err != nil {
		return fmt.Errorf("tenant-context key: %w", err)
	}
	if len(key) != 32 {
		return errors.New("tenant-context key: wrong length")
	}
	s.rlsKey = key
	return nil
}

// enterProof is what lets a transaction enter tenant (0: none) or cross tenants.
func (s *Store) enterProof(tenant uint64, across bool) string {
	m := hmac.New(sha256.New, s.rlsKey)
	m.Write([]byte("enter:" + strconv.FormatUint(tenant, 10) + ":" + strconv.FormatBool(across)))
	return hex.EncodeToString(m.Sum(nil))
}
