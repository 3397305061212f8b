-- The events of the movements the bench writes without the services (the set-based data sets of
-- setup_data.py, grow_ledger.sql and reconcile_1m.py, and the PL/pgSQL baseline's redemptions): the
-- app records them in each movement's transaction; here they are added before `reconcile`, which
-- proves every movement of the retention period has its event. `data` is the row (its "id" is what
-- reconcile reads).
INSERT INTO events_event (id, tenant_id, program_id, type, created_at, data)
SELECT gen_random_uuid(), a.tenant_id, a.program_id, 'accrual.created', a.created_at, to_jsonb(a)
FROM participants_accrual a
WHERE NOT EXISTS (SELECT 1 FROM events_event e WHERE e.type = 'accrual.created' AND e.data ->> 'id' = a.id::text);

INSERT INTO events_event (id, tenant_id, program_id, type, created_at, data)
SELECT gen_random_uuid(), r.tenant_id, r.program_id, 'redemption.created', r.created_at, to_jsonb(r)
FROM rewards_redemption r
WHERE NOT EXISTS (SELECT 1 FROM events_event e WHERE e.type = 'redemption.created' AND e.data ->> 'id' = r.id::text);

INSERT INTO events_event (id, tenant_id, program_id, type, created_at, data)
SELECT gen_random_uuid(), v.tenant_id, v.program_id, 'redemption.reversed', v.created_at, to_jsonb(v)
FROM rewards_reversal v
WHERE NOT EXISTS (SELECT 1 FROM events_event e WHERE e.type = 'redemption.reversed' AND e.data ->> 'id' = v.id::text);
