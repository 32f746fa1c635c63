-- The permit audit, the alerts and the forms read the event log by type and time (EventLogRepo.between):
-- without this index each of those reads scanned the whole outbox, once per permit, so a region's audit
-- over a four-month campaign grew with (permits x all events ever stored).
CREATE INDEX outbox_type_at ON outbox(type, occurred_at);
