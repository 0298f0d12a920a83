-- Custom migration (drizzle-kit cannot express triggers): the request history is append-only.
-- No row may ever change; a row may be deleted only once it is older than 24 months (the purge).
CREATE TRIGGER `privacy_request_history_no_update` BEFORE UPDATE ON `privacy_request_history`
BEGIN
  SELECT RAISE(ABORT, 'privacy_request_history is append-only');
END;
--> statement-breakpoint
CREATE TRIGGER `privacy_request_history_no_early_delete` BEFORE DELETE ON `privacy_request_history`
WHEN old.`at` > strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-24 months')
BEGIN
  SELECT RAISE(ABORT, 'privacy_request_history rows are kept 24 months');
END;
