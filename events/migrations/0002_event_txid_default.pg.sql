-- The id of the transaction that records an event: the feed's order and its "every earlier transaction has
-- finished" rule (events.selectors). txid_current() assigns the transaction its id if it has none yet.
ALTER TABLE events_event ALTER COLUMN txid SET DEFAULT txid_current();

-- Events are insert-only: what an integrator was told never changes (pruning deletes old ones whole).
CREATE FUNCTION events_event_refuse_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'events are insert-only: % cannot be updated', OLD.id USING ERRCODE = 'integrity_constraint_violation';
END;
$$;
CREATE TRIGGER events_event_insert_only BEFORE UPDATE ON events_event
    FOR EACH ROW EXECUTE FUNCTION events_event_refuse_update();
