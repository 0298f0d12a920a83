CREATE TABLE `cmd_authorization_meters` (
	`meter_id` text NOT NULL,
	`authorization_id` text NOT NULL,
	PRIMARY KEY(`meter_id`, `authorization_id`),
	FOREIGN KEY (`authorization_id`) REFERENCES `cmd_authorizations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `cmd_authorization_meters_authorization` ON `cmd_authorization_meters` (`authorization_id`);--> statement-breakpoint
INSERT INTO `cmd_authorization_meters` (`meter_id`, `authorization_id`) SELECT DISTINCT m.value, a.id FROM `cmd_authorizations` a, json_each(a.meter_ids) m;
