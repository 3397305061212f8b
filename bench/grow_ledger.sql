-- Grow the bench ledger to at least :target journal lines with set-based
-- inserts of balanced ACCRUAL entries (1.00 each: DEBIT the program's
-- ISSUANCE account, CREDIT a participant's wallet), with their Accrual rows
-- and the wallets' stored balances moved by the same amounts, exactly as
-- participants.services.accrual_create would. The ledger's guard triggers
-- stay on: every new entry is checked at COMMIT.
--
--   psql -v target=1000000 -f bench/grow_ledger.sql loyalty_bench
\set ON_ERROR_STOP 1
BEGIN;

CREATE TEMPORARY TABLE bench_grow ON COMMIT DROP AS
WITH ctx AS (
    SELECT r.tenant_id, r.program_id, r.asset_id,
           (SELECT count(*) FROM ledger_journalline) AS lines
    FROM rewards_reward r JOIN bench_reward b ON b.id = r.id WHERE b.idx = 0
)
SELECT gen_random_uuid() AS entry_id, gen_random_uuid() AS accrual_id,
       w.participant_id, w.id AS wallet_id, ctx.tenant_id, ctx.program_id, ctx.asset_id,
       now() - make_interval(secs => g) AS created_at
FROM ctx
CROSS JOIN LATERAL generate_series(1, greatest(0, ceil((:target - ctx.lines) / 2.0)::bigint)) AS g
JOIN bench_participant p ON p.idx = 1 + (g % 10000)
JOIN ledger_account w ON w.participant_id = p.id AND w.asset_id = ctx.asset_id AND w.type = 'WALLET';

INSERT INTO ledger_journalentry (id, tenant_id, kind, description, created_at, program_id, reverses_id)
SELECT entry_id, tenant_id, 'ACCRUAL', 'Bench ledger growth', created_at, program_id, NULL FROM bench_grow;

INSERT INTO ledger_journalline (id, tenant_id, direction, amount, account_id, asset_id, entry_id)
SELECT gen_random_uuid(), g.tenant_id, 'DEBIT', 1.00,
       (SELECT a.id FROM ledger_account a
        WHERE a.asset_id = g.asset_id AND a.type = 'ISSUANCE' AND a.participant_id IS NULL),
       g.asset_id, g.entry_id
FROM bench_grow g
UNION ALL
SELECT gen_random_uuid(), tenant_id, 'CREDIT', 1.00, wallet_id, asset_id, entry_id FROM bench_grow;

-- Each accrual is a released lot of 1.00 (the bench asset has no expiry) with its accrual.created event
-- (the event's data is the accrual's row, as the service's event shows it). The lot's created_at is
-- now(), after the setup's lots, so redemptions keep spending the setup's lot first (the same work per
-- redemption as before the growth); the entries carry the spread-out past timestamps.
INSERT INTO participants_accrual (id, tenant_id, amount, description, idempotency_key, created_at, asset_id,
                                  journal_entry_id, program_id, participant_id, available_at, released,
                                  expires_at, remaining, spent_amount, expired_amount, reversed_amount)
SELECT accrual_id, tenant_id, 1.00, 'Bench ledger growth', NULL, now(), asset_id, entry_id, program_id,
       participant_id, now(), true, NULL, 1.00, 0, 0, 0
FROM bench_grow;

INSERT INTO events_event (id, type, created_at, data, program_id, tenant_id)
SELECT gen_random_uuid(), 'accrual.created', a.created_at, to_jsonb(a), a.program_id, a.tenant_id
FROM participants_accrual a JOIN bench_grow g ON g.accrual_id = a.id;

UPDATE ledger_account a
SET balance = a.balance + g.n * 1.00, updated_at = now()
FROM (SELECT wallet_id, count(*) AS n FROM bench_grow GROUP BY wallet_id) g
WHERE a.id = g.wallet_id;

-- The guard triggers run per row at COMMIT: let the planner see the new rows.
ANALYZE ledger_journalentry;
ANALYZE ledger_journalline;
ANALYZE participants_accrual;
ANALYZE events_event;
COMMIT;

SELECT count(*) AS journal_lines FROM ledger_journalline;
