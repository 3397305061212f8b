-- Restores ledger/migrations/0005_tenant_guards.pg.sql's body of ledger_check_entry (three queries).
CREATE OR REPLACE FUNCTION ledger_check_entry() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    target uuid;
    n_lines integer;
    bad_asset uuid;
    mismatch text;
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

    -- One pass over the entry's lines and their accounts: asset and program first, then tenant.
    SELECT CASE WHEN a.asset_id <> l.asset_id OR a.program_id <> e.program_id THEN 'program' ELSE 'tenant' END
    INTO mismatch
    FROM ledger_journalline l
    JOIN ledger_account a ON a.id = l.account_id
    JOIN ledger_journalentry e ON e.id = l.entry_id
    WHERE l.entry_id = target
      AND (a.asset_id <> l.asset_id OR a.program_id <> e.program_id
           OR l.tenant_id <> e.tenant_id OR a.tenant_id <> e.tenant_id)
    ORDER BY 1
    LIMIT 1;
    IF mismatch = 'program' THEN
        RAISE EXCEPTION 'journal entry % has a line whose account is of another asset or program', target
            USING ERRCODE = 'check_violation';
    ELSIF mismatch = 'tenant' THEN
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
