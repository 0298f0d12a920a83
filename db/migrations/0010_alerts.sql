CREATE TABLE `alert_notices` (
	`id` text PRIMARY KEY NOT NULL,
	`alert_id` text NOT NULL,
	`kind` text NOT NULL,
	`day` text NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	FOREIGN KEY (`alert_id`) REFERENCES `alerts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `alert_notices_once` ON `alert_notices` (`alert_id`,`kind`) WHERE kind <> 'reminder';--> statement-breakpoint
CREATE UNIQUE INDEX `alert_notices_reminder_day` ON `alert_notices` (`alert_id`,`day`) WHERE kind = 'reminder';--> statement-breakpoint
CREATE INDEX `alert_notices_created` ON `alert_notices` (`created_at`);--> statement-breakpoint
CREATE TABLE `alert_settings` (
	`account_id` text NOT NULL,
	`kind` text NOT NULL,
	`continuous_flow_hours` integer,
	`day_threshold` real,
	`period_threshold` real,
	`bill_threshold_cents` integer,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	`updated_by_login_id` text,
	PRIMARY KEY(`account_id`, `kind`),
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`updated_by_login_id`) REFERENCES `logins`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "alert_settings_hours" CHECK(continuous_flow_hours IS NULL OR (kind = 'water' AND continuous_flow_hours BETWEEN 1 AND 72)),
	CONSTRAINT "alert_settings_positive" CHECK((day_threshold IS NULL OR day_threshold > 0) AND (period_threshold IS NULL OR period_threshold > 0) AND (bill_threshold_cents IS NULL OR bill_threshold_cents > 0))
);
--> statement-breakpoint
CREATE TABLE `alerts` (
	`id` text PRIMARY KEY NOT NULL,
	`account_id` text NOT NULL,
	`meter_id` text NOT NULL,
	`type` text NOT NULL,
	`status` text DEFAULT 'open' NOT NULL,
	`first_day` text NOT NULL,
	`last_day` text NOT NULL,
	`figures` text NOT NULL,
	`opened_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	`evaluated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	`closed_at` text,
	`closed_day` text,
	`close_reason` text,
	`reminders_stopped_at` text,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`meter_id`) REFERENCES `meters`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "alerts_days" CHECK(first_day <= last_day),
	CONSTRAINT "alerts_closed" CHECK((status = 'open') = (closed_at IS NULL))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `alerts_one_open_episode` ON `alerts` (`meter_id`,`type`,`account_id`) WHERE status = 'open';--> statement-breakpoint
CREATE INDEX `alerts_meter_days` ON `alerts` (`meter_id`,`type`,`last_day`);--> statement-breakpoint
CREATE INDEX `alerts_account` ON `alerts` (`account_id`,`status`,`opened_at`);