-- PostgreSQL guards of the ledger, v2.1 (applied by ledger/migrations/0007_entry_check_one_query.py;
-- reversed by 0007_entry_check_one_query_reverse.pg.sql, which restores 0005's body).
--
-- The same checks as 0005, in the same order and with the same messages, read
-- in ONE query over the entry's lines, their accounts and the entry (0005 ran
-- three): the line count, the asset/program and tenant mismatches and the
-- balance per asset come from one GROUP BY asset. The check runs once per
-- entry and once per line at commit, so this is most of a periodic run's
-- commit time (docs/benchmarks.md, "Expiring lots").
--
-- The function plans with sequential scans, hash and merge joins off: PL/pgSQL
-- keeps a query's generic plan for the session, and one made while the tables
-- were small (a fresh database, a first import) scanned every account for each
-- line checked once they had grown: a 10,000-row import's commits took 20 s
-- instead of 0.5 s. Every lookup here is by an index (the entry's id, the
-- lines' entry_id, the accounts' id), whatever the statistics say.
CREATE OR REPLACE FUNCTION ledger_check_entry() RETURNS trigger
LANGUAGE plpgsql
SET enable_seqscan = off
SET enable_hashjoin = off
SET enable_mergejoin = off
AS $$
DECLARE
    target uuid;
    n_lines bigint;
    bad_program boolean;
    bad_tenant boolean;
    bad_asset uuid;
BEGIN
    IF TG_TABLE_NAME = 'ledger_journalentry' THEN
        target := NEW.id;
    ELSE
        target := NEW.entry_id;
    END IF;

    SELECT coalesce(sum(s.n), 0), coalesce(bool_or(s.bad_program), false), coalesce(bool_or(s.bad_tenant), false),
           (array_agg(s.asset_id ORDER BY s.asset_id) FILTER (WHERE s.balance <> 0))[1]
    INTO n_lines, bad_program, bad_tenant, bad_asset
    FROM (
        SELECT l.asset_id, count(*) AS n,
               sum(CASE WHEN l.direction = 'DEBIT' THEN l.amount ELSE -l.amount END) AS balance,
               bool_or(a.asset_id <> l.asset_id OR a.program_id <> e.program_id) AS bad_program,
               bool_or(l.tenant_id <> e.tenant_id OR a.tenant_id <> e.tenant_id) AS bad_tenant
        FROM ledger_journalline l
        JOIN ledger_account a ON a.id = l.account_id
        JOIN ledger_journalentry e ON e.id = l.entry_id
        WHERE l.entry_id = target
        GROUP BY l.asset_id
    ) s;
    IF n_lines < 2 THEN
        RAISE EXCEPTION 'journal entry % has % line(s); at least two are required', target, n_lines
            USING ERRCODE = 'check_violation';
    END IF;
    IF bad_program THEN
        RAISE EXCEPTION 'journal entry % has a line whose account is of another asset or program', target
            USING ERRCODE = 'check_violation';
    ELSIF bad_tenant THEN
        RAISE EXCEPTION 'journal entry % has a line or an account of another tenant', target
            USING ERRCODE = 'check_violation';
    END IF;

    -- The entry's program and tenant never change (entries are immutable): checked once, for the entry's row.
    IF TG_TABLE_NAME = 'ledger_journalentry' THEN
        IF EXISTS (
            SELECT 1 FROM loyalty_program p WHERE p.id = NEW.program_id AND p.tenant_id <> NEW.tenant_id
        ) THEN
            RAISE EXCEPTION 'journal entry % is of another tenant than its program', target
                USING ERRCODE = 'check_violation';
        END IF;
    END IF;

    IF bad_asset IS NOT NULL THEN
        RAISE EXCEPTION 'journal entry % does not balance for asset %', target, bad_asset
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END;
$$;
