-- Reverse of ledger/migrations/0005_tenant_guards.pg.sql: the entry check of 0003,
-- without the tenant checks (byte for byte 0003's function).
CREATE OR REPLACE FUNCTION ledger_check_entry() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    target uuid;
    n_lines integer;
    bad_asset uuid;
BEGIN
    IF TG_TABLE_NAME = 'ledger_journalentry' THEN
        target := NEW.id;
    ELSE
        target := NEW.entry_id;
    END IF;

    SELECT count(*) INTO n_lines FROM ledger_journalline WHERE entry_id = target;
    IF n_lines < 2 THEN
        RAISE EXCEPTION 'journal entry % has % line(s); at least two are required', target, n_lines
            USING ERRCODE = 'check_violation';
    END IF;

    IF EXISTS (
        SELECT 1
        FROM ledger_journalline l
        JOIN ledger_account a ON a.id = l.account_id
        JOIN ledger_journalentry e ON e.id = l.entry_id
        WHERE l.entry_id = target
          AND (a.asset_id <> l.asset_id OR a.program_id <> e.program_id)
    ) THEN
        RAISE EXCEPTION 'journal entry % has a line whose account is of another asset or program', target
            USING ERRCODE = 'check_violation';
    END IF;

    SELECT asset_id INTO bad_asset
    FROM ledger_journalline
    WHERE entry_id = target
    GROUP BY asset_id
    HAVING sum(CASE WHEN direction = 'DEBIT' THEN amount ELSE -amount END) <> 0
    LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'journal entry % does not balance for asset %', target, bad_asset
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END;
$$;
