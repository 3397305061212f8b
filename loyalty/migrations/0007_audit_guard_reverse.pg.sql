DROP TRIGGER IF EXISTS loyalty_auditevent_insert_only ON loyalty_auditevent;
DROP FUNCTION IF EXISTS loyalty_audit_refuse_change();
