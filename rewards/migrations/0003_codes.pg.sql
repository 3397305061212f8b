-- PostgreSQL guard of reward codes (applied by rewards/migrations/0003_codes.py;
-- reversed by 0003_codes_reverse.pg.sql).
--
-- A code moves one way only: AVAILABLE -> ISSUED (to one redemption) ->
-- VOIDED (a reversal wrote that unit off). Once issued, its redemption never
-- changes and it is never available again nor deleted; its reward, tenant
-- and text never change. With UNIQUE (reward_id, code) this makes "a code
-- belongs to at most one redemption" a rule of the database.
CREATE OR REPLACE FUNCTION rewards_check_code() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.state <> 'AVAILABLE' THEN
            RAISE EXCEPTION 'reward code % was issued and cannot be deleted', OLD.id
                USING ERRCODE = 'check_violation';
        END IF;
        RETURN OLD;
    END IF;
    IF NEW.reward_id <> OLD.reward_id OR NEW.tenant_id <> OLD.tenant_id OR NEW.code <> OLD.code
       OR NEW.created_at <> OLD.created_at THEN
        RAISE EXCEPTION 'reward code % cannot change its reward, tenant or text', OLD.id
            USING ERRCODE = 'check_violation';
    END IF;
    IF OLD.redemption_id IS NOT NULL AND NEW.redemption_id IS DISTINCT FROM OLD.redemption_id THEN
        RAISE EXCEPTION 'reward code % belongs to redemption % and cannot move', OLD.id, OLD.redemption_id
            USING ERRCODE = 'check_violation';
    END IF;
    IF NOT (NEW.state = OLD.state
            OR (OLD.state = 'AVAILABLE' AND NEW.state = 'ISSUED')
            OR (OLD.state = 'ISSUED' AND NEW.state = 'VOIDED')) THEN
        RAISE EXCEPTION 'reward code % cannot go from % to %', OLD.id, OLD.state, NEW.state
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER rewards_code_guard
    BEFORE UPDATE OR DELETE ON rewards_rewardcode
    FOR EACH ROW EXECUTE FUNCTION rewards_check_code();
