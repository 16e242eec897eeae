-- migration 15: confusable skeletons of usernames, emails and role names
-- A new name is refused when it looks like one of its tenant's (TS #39
-- skeleton, nameSkeleton): the skeleton is stored and indexed beside each
-- name, so the check is one index lookup however many users a tenant has.
-- Plain columns: under row-level security an expression index could not
-- serve the lookup. Existing rows are filled after this SQL by the step's Go
-- code (goSteps in models/migrate.go), in the same transaction.

ALTER TABLE users ADD COLUMN username_skeleton TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN email_skeleton TEXT NOT NULL DEFAULT '';
CREATE INDEX users_username_skeleton ON users (tenant_id, username_skeleton);
CREATE INDEX users_email_skeleton ON users (tenant_id, email_skeleton);
ALTER TABLE roles ADD COLUMN name_skeleton TEXT NOT NULL DEFAULT '';
CREATE INDEX roles_name_skeleton ON roles (tenant_id, name_skeleton);
ALTER TABLE tenant_roles ADD COLUMN name_skeleton TEXT NOT NULL DEFAULT '';
CREATE INDEX tenant_roles_name_skeleton ON tenant_roles (name_skeleton);
