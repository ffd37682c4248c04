-- The audit trail of orders and the versions of visit reports are never rewritten:
-- the database itself refuses an UPDATE or DELETE of their rows.
CREATE TRIGGER order_events_no_update BEFORE UPDATE ON order_events
BEGIN
  SELECT RAISE(ABORT, 'order_events is append-only');
END;
--> statement-breakpoint
CREATE TRIGGER order_events_no_delete BEFORE DELETE ON order_events
BEGIN
  SELECT RAISE(ABORT, 'order_events is append-only');
END;
--> statement-breakpoint
CREATE TRIGGER report_versions_no_update BEFORE UPDATE ON report_versions
BEGIN
  SELECT RAISE(ABORT, 'report_versions is append-only');
END;
--> statement-breakpoint
CREATE TRIGGER report_versions_no_delete BEFORE DELETE ON report_versions
BEGIN
  SELECT RAISE(ABORT, 'report_versions is append-only');
END;
