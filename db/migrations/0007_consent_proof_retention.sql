-- Proof of consent is kept 24 months, as the privacy notice says for cookie choices, and then
-- deleted by the daily cron (worker/consent/retention.ts). Until then nothing may remove a row,
-- and no row may ever be changed: a change of mind is a new row. Replaces the triggers of
-- 0002_consent_append_only.sql, which refused every DELETE and so kept rows forever.
DROP TRIGGER IF EXISTS `consent_records_no_update`;
--> statement-breakpoint
DROP TRIGGER IF EXISTS `consent_records_no_delete`;
--> statement-breakpoint
CREATE TRIGGER `consent_records_no_update` BEFORE UPDATE ON `consent_records`
BEGIN
	SELECT RAISE(ABORT, 'consent_records is append-only: a recorded choice is never changed');
END;
--> statement-breakpoint
CREATE TRIGGER `consent_records_delete_after_retention` BEFORE DELETE ON `consent_records`
WHEN OLD.recorded_at >= strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-24 months')
BEGIN
	SELECT RAISE(ABORT, 'consent_records is append-only: a row can be deleted only after its 24-month retention');
END;
