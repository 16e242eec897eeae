-- migration 18: what the master shares, readable by the tenants it is shared with
-- A subtenant reads its own resources and exactly the master's it is shared
-- with: public ones its tenant role grants (or all of them, when the tenant
-- role has all master resources), and assigned ones assigned to it. It writes
-- only its own. The master's id and the reader's tenant role come from
-- tenants, which everyone may read; the assignment and the grant are each one
-- primary-key or index probe.

DROP POLICY resources_tenant_isolation ON resources;
CREATE POLICY resources_read ON resources FOR SELECT USING (
	tenant_id = coalesce(nullif((SELECT landlord_scope()), -1), tenant_id)
	OR (visibility <> 'private' AND tenant_id = (SELECT m.id FROM tenants m WHERE m.is_master) AND (
		(visibility = 'assigned' AND id IN (SELECT a.resource_id FROM resource_assignments a
			WHERE a.tenant_id = (SELECT landlord_scope())))
		OR (visibility = 'public' AND (
			id IN (SELECT g.resource_id FROM tenants t JOIN tenant_role_resources g ON g.tenant_role_id = t.tenant_role_id
				WHERE t.id = (SELECT landlord_scope()) AND NOT t.is_master)
			OR EXISTS (SELECT 1 FROM tenants t JOIN tenant_roles tr ON tr.id = t.tenant_role_id
				WHERE t.id = (SELECT landlord_scope()) AND NOT t.is_master AND tr.all_master_resources))))));
CREATE POLICY resources_insert ON resources FOR INSERT
	WITH CHECK (tenant_id = coalesce(nullif((SELECT landlord_scope()), -1), tenant_id));
CREATE POLICY resources_update ON resources FOR UPDATE
	USING (tenant_id = coalesce(nullif((SELECT landlord_scope()), -1), tenant_id))
	WITH CHECK (tenant_id = coalesce(nullif((SELECT landlord_scope()), -1), tenant_id));
CREATE POLICY resources_delete ON resources FOR DELETE
	USING (tenant_id = coalesce(nullif((SELECT landlord_scope()), -1), tenant_id));

-- The tenant roles that give all master resources, for "who can see this".
CREATE INDEX tenant_roles_all_master ON tenant_roles (id) WHERE all_master_resources;
