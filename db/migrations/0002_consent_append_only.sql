-- Proof of consent is append-only: a recorded choice can never be changed or removed.
-- A change of mind is a new row; these triggers make UPDATE and DELETE fail inside SQLite itself.
CREATE TRIGGER `consent_records_no_update` BEFORE UPDATE ON `consent_records`
BEGIN
	SELECT RAISE(ABORT, 'consent_records is append-only');
END;
--> statement-breakpoint
CREATE TRIGGER `consent_records_no_delete` BEFORE DELETE ON `consent_records`
BEGIN
	SELECT RAISE(ABORT, 'consent_records is append-only');
END;
