-- PostgreSQL guards of the ledger (applied by ledger/migrations/0003_guards.py;
-- reversed by guards_reverse.sql). The CHECK constraints (positive amounts,
-- non-negative wallets) are declared on the models.

-- 1. Journal entries and lines are immutable: no UPDATE, no DELETE.
CREATE OR REPLACE FUNCTION ledger_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'ledger rows are immutable: % on % refused (post a new entry instead)',
        TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'restrict_violation';
END;
$$;

CREATE TRIGGER ledger_journalentry_immutable
    BEFORE UPDATE OR DELETE ON ledger_journalentry
    FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();

CREATE TRIGGER ledger_journalline_immutable
    BEFORE UPDATE OR DELETE ON ledger_journalline
    FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();

-- 2. At commit, every entry touched by the transaction has at least two
--    lines, its lines' accounts belong to its program and carry the line's
--    asset, and per asset its debits equal its credits.
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

CREATE CONSTRAINT TRIGGER ledger_journalentry_balanced
    AFTER INSERT ON ledger_journalentry
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION ledger_check_entry();

CREATE CONSTRAINT TRIGGER ledger_journalline_balanced
    AFTER INSERT ON ledger_journalline
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION ledger_check_entry();
