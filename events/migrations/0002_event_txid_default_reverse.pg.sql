DROP TRIGGER events_event_insert_only ON events_event;
DROP FUNCTION events_event_refuse_update();
ALTER TABLE events_event ALTER COLUMN txid DROP DEFAULT;
