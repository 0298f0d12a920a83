-- Tenure of service points (see db/schema/core.ts, service_point_tenures).
-- Every service point has a tenure from the moment it exists: the first holder known to the portal
-- held it since before the portal's records (start_day NULL) and holds it still (end_day NULL).
CREATE TRIGGER `service_points_open_tenure` AFTER INSERT ON `service_points`
BEGIN
	INSERT INTO `service_point_tenures` (`service_point_id`, `account_id`, `start_day`, `end_day`) VALUES (NEW.`id`, NEW.`account_id`, NULL, NULL);
END;
--> statement-breakpoint
-- A change of holder must be recorded as a tenure first (ingestion closes the old one and opens the
-- new one with the move-in day); a bare UPDATE of account_id would hand the new holder the old
-- holder's reads, so SQLite itself refuses it.
CREATE TRIGGER `service_points_holder_needs_tenure` BEFORE UPDATE OF `account_id` ON `service_points`
WHEN NEW.`account_id` IS NOT OLD.`account_id`
	AND NOT EXISTS (SELECT 1 FROM `service_point_tenures` t WHERE t.`service_point_id` = NEW.`id` AND t.`account_id` = NEW.`account_id` AND t.`end_day` IS NULL)
BEGIN
	SELECT RAISE(ABORT, 'service_points.account_id changed without a tenure for the new holder');
END;
--> statement-breakpoint
-- Service points that exist already: their current holder, since before the records.
INSERT INTO `service_point_tenures` (`service_point_id`, `account_id`, `start_day`, `end_day`)
SELECT `id`, `account_id`, NULL, NULL FROM `service_points`;
