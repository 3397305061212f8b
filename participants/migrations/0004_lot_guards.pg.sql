-- PostgreSQL guards of the points lifecycle (applied by participants/migrations/0004_lot_guards.py).
-- The lot identity (amount = remaining + spent + expired + reversed, all >= 0) is a CHECK on the model.

-- 1. A lot's origin never changes (amount, owner, entry, dates it was made with), it is never deleted,
--    and a released lot never goes back to pending.
CREATE OR REPLACE FUNCTION participants_lot_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'lots are never deleted: DELETE on % refused', TG_TABLE_NAME
            USING ERRCODE = 'restrict_violation';
    END IF;
    IF NEW.amount <> OLD.amount OR NEW.participant_id <> OLD.participant_id OR NEW.asset_id <> OLD.asset_id
       OR NEW.program_id <> OLD.program_id OR NEW.tenant_id <> OLD.tenant_id
       OR NEW.journal_entry_id <> OLD.journal_entry_id OR NEW.created_at <> OLD.created_at THEN
        RAISE EXCEPTION 'lot %: amount, owner, entry and creation never change', OLD.id
            USING ERRCODE = 'restrict_violation';
    END IF;
    IF OLD.released AND NOT NEW.released THEN
        RAISE EXCEPTION 'lot %: a released lot never goes back to pending', OLD.id
            USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER participants_accrual_lot_guard
    BEFORE UPDATE OR DELETE ON participants_accrual
    FOR EACH ROW EXECUTE FUNCTION participants_lot_guard();

-- 2. Clawbacks are insert-only records, like journal entries.
CREATE TRIGGER participants_accrualreversal_immutable
    BEFORE UPDATE OR DELETE ON participants_accrualreversal
    FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();

-- 3. Allocations are insert-only: a reversal adds negative rows, nothing edits a row.
CREATE TRIGGER rewards_redemptionallocation_immutable
    BEFORE UPDATE OR DELETE ON rewards_redemptionallocation
    FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
