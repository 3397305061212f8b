-- PostgreSQL guard of the audit trail (applied by loyalty/migrations/0007_audit_guard.py;
-- reversed by 0007_audit_guard_reverse.pg.sql): audit records are insert-only.
CREATE OR REPLACE FUNCTION loyalty_audit_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit records are insert-only: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'restrict_violation';
END;
$$;

CREATE TRIGGER loyalty_auditevent_insert_only
    BEFORE UPDATE OR DELETE ON loyalty_auditevent
    FOR EACH ROW EXECUTE FUNCTION loyalty_audit_refuse_change();
