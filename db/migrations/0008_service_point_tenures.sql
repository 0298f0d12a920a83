CREATE TABLE `service_point_tenures` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`service_point_id` text NOT NULL,
	`account_id` text NOT NULL,
	`start_day` text,
	`end_day` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	FOREIGN KEY (`service_point_id`) REFERENCES `service_points`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "service_point_tenures_days" CHECK(start_day IS NULL OR end_day IS NULL OR start_day <= end_day)
);
--> statement-breakpoint
CREATE INDEX `service_point_tenures_account` ON `service_point_tenures` (`account_id`);--> statement-breakpoint
CREATE INDEX `service_point_tenures_point` ON `service_point_tenures` (`service_point_id`,`start_day`);--> statement-breakpoint
CREATE UNIQUE INDEX `service_point_tenures_current` ON `service_point_tenures` (`service_point_id`) WHERE end_day IS NULL;--> statement-breakpoint
ALTER TABLE `accounts` ADD `phone_edited_at` text;--> statement-breakpoint
ALTER TABLE `accounts` ADD `mailing_edited_at` text;