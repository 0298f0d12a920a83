CREATE TABLE `alert_deliveries` (
	`id` text PRIMARY KEY NOT NULL,
	`notice_id` text NOT NULL,
	`recipient_id` text NOT NULL,
	`channel` text NOT NULL,
	`outbox_id` text NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	FOREIGN KEY (`notice_id`) REFERENCES `alert_notices`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`recipient_id`) REFERENCES `alert_recipients`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `alert_deliveries_once` ON `alert_deliveries` (`notice_id`,`recipient_id`);--> statement-breakpoint
CREATE INDEX `alert_deliveries_recipient` ON `alert_deliveries` (`recipient_id`);--> statement-breakpoint
CREATE TABLE `alert_recipients` (
	`id` text PRIMARY KEY NOT NULL,
	`account_id` text NOT NULL,
	`channel` text NOT NULL,
	`address` text,
	`login_id` text,
	`name` text,
	`origin` text NOT NULL,
	`added_by_login_id` text,
	`status` text DEFAULT 'pending' NOT NULL,
	`confirm_hash` text,
	`confirm_expires_at` text,
	`confirm_sent_at` text,
	`confirmed_at` text,
	`removed_at` text,
	`removed_by` text,
	`sms_stopped_at` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`login_id`) REFERENCES `logins`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`added_by_login_id`) REFERENCES `logins`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "alert_recipients_origin" CHECK((origin = 'login') = (login_id IS NOT NULL AND address IS NULL AND channel = 'email') AND (origin = 'login' OR address IS NOT NULL))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `alert_recipients_live_address` ON `alert_recipients` (`account_id`,`channel`,`address`) WHERE status <> 'removed' AND address IS NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX `alert_recipients_live_login` ON `alert_recipients` (`account_id`,`login_id`) WHERE status <> 'removed' AND origin = 'login';--> statement-breakpoint
CREATE INDEX `alert_recipients_address` ON `alert_recipients` (`channel`,`address`);--> statement-breakpoint
CREATE INDEX `alert_recipients_account` ON `alert_recipients` (`account_id`,`status`);--> statement-breakpoint
CREATE TABLE `contact_preferences` (
	`account_id` text PRIMARY KEY NOT NULL,
	`quiet_hours_start` text,
	`quiet_hours_end` text,
	`leak_alerts_in_quiet_hours` integer DEFAULT false NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	`updated_by_login_id` text,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`updated_by_login_id`) REFERENCES `logins`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "contact_preferences_quiet" CHECK((quiet_hours_start IS NULL) = (quiet_hours_end IS NULL) AND (quiet_hours_start IS NULL OR quiet_hours_start <> quiet_hours_end))
);
--> statement-breakpoint
CREATE TABLE `outbox_sms` (
	`id` text PRIMARY KEY NOT NULL,
	`to_number` text NOT NULL,
	`body` text NOT NULL,
	`kind` text NOT NULL,
	`status` text DEFAULT 'queued' NOT NULL,
	`not_before` text NOT NULL,
	`notice_id` text,
	`provider_sid` text,
	`error_code` integer,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	`sent_at` text,
	FOREIGN KEY (`notice_id`) REFERENCES `alert_notices`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `outbox_sms_due` ON `outbox_sms` (`status`,`not_before`);--> statement-breakpoint
CREATE INDEX `outbox_sms_to` ON `outbox_sms` (`to_number`);--> statement-breakpoint
CREATE TABLE `recipient_topics` (
	`recipient_id` text NOT NULL,
	`topic` text NOT NULL,
	`enabled` integer NOT NULL,
	`changed_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	`changed_via` text NOT NULL,
	PRIMARY KEY(`recipient_id`, `topic`),
	FOREIGN KEY (`recipient_id`) REFERENCES `alert_recipients`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `sms_stand_in_messages` (
	`sid` text PRIMARY KEY NOT NULL,
	`account_sid` text NOT NULL,
	`direction` text NOT NULL,
	`from_number` text NOT NULL,
	`to_number` text NOT NULL,
	`body` text NOT NULL,
	`status` text NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL
);
--> statement-breakpoint
CREATE INDEX `sms_stand_in_messages_created` ON `sms_stand_in_messages` (`created_at`);--> statement-breakpoint
ALTER TABLE `outbox_emails` ADD `headers` text;