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

INSERT INTO participants_accrual (id, tenant_id, amount, description, idempotency_key, created_at, asset_id,
                                  journal_entry_id, program_id, participant_id)
SELECT accrual_id, tenant_id, 1.00, 'Bench ledger growth', NULL, created_at, asset_id, entry_id, program_id,
       participant_id
FROM bench_grow;

UPDATE ledger_account a
SET balance = a.balance + g.n * 1.00, updated_at = now()
FROM (SELECT wallet_id, count(*) AS n FROM bench_grow GROUP BY wallet_id) g
WHERE a.id = g.wallet_id;

-- The guard triggers run per row at COMMIT: let the planner see the new rows.
ANALYZE ledger_journalentry;
ANALYZE ledger_journalline;
ANALYZE participants_accrual;
COMMIT;

SELECT count(*) AS journal_lines FROM ledger_journalline;
