-- migration 12: an index behind each audit log filter
-- Each leads with the tenant and ends with the id, the log's order, so a
-- filtered page is one index range read newest first. Plain columns only:
-- under row-level security an expression like lower() is not leakproof and
-- could not be an index condition.

CREATE INDEX audit_events_actor ON audit_events (tenant_id, actor_name, id);
CREATE INDEX audit_events_action ON audit_events (tenant_id, action, id);
CREATE INDEX audit_events_target ON audit_events (tenant_id, target_type, target_id, id);
CREATE INDEX audit_events_outcome ON audit_events (tenant_id, outcome, id);
CREATE INDEX audit_events_time ON audit_events (tenant_id, occurred_at, id);
