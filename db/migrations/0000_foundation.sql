CREATE TABLE `accounts` (
	`id` text PRIMARY KEY NOT NULL,
	`utility_id` text NOT NULL,
	`account_number` text NOT NULL,
	`holder_name` text NOT NULL,
	`email_on_file` text,
	`phone_on_file` text,
	`mailing_street` text,
	`mailing_city` text,
	`mailing_region` text,
	`mailing_postal_code` text,
	`status` text DEFAULT 'active' NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	`updated_at` text,
	FOREIGN KEY (`utility_id`) REFERENCES `utilities`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `accounts_utility_number` ON `accounts` (`utility_id`,`account_number`);--> statement-breakpoint
CREATE TABLE `bills` (
	`id` text PRIMARY KEY NOT NULL,
	`account_id` text NOT NULL,
	`period_start` text NOT NULL,
	`period_end` text NOT NULL,
	`issued_on` text NOT NULL,
	`due_on` text NOT NULL,
	`amount_cents` integer NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `bills_account_issued` ON `bills` (`account_id`,`issued_on`);--> statement-breakpoint
CREATE TABLE `household_profiles` (
	`account_id` text PRIMARY KEY NOT NULL,
	`occupants` integer,
	`landscape_sq_ft` integer,
	`landscape_type` text,
	`has_pool` integer,
	`fixtures` text,
	`updated_at` text,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `meters` (
	`id` text PRIMARY KEY NOT NULL,
	`service_point_id` text NOT NULL,
	`serial_number` text NOT NULL,
	`kind` text NOT NULL,
	`unit` text NOT NULL,
	`interval_minutes` integer NOT NULL,
	`installed_on` text NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	FOREIGN KEY (`service_point_id`) REFERENCES `service_points`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `meters_service_point` ON `meters` (`service_point_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `meters_serial` ON `meters` (`serial_number`);--> statement-breakpoint
CREATE TABLE `service_points` (
	`id` text PRIMARY KEY NOT NULL,
	`account_id` text NOT NULL,
	`street` text NOT NULL,
	`city` text NOT NULL,
	`region` text NOT NULL,
	`postal_code` text NOT NULL,
	`service_area` text NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `service_points_account` ON `service_points` (`account_id`);--> statement-breakpoint
CREATE TABLE `utilities` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`legal_name` text NOT NULL,
	`time_zone` text NOT NULL,
	`service_area` text NOT NULL,
	`contact_email` text NOT NULL,
	`contact_phone` text NOT NULL,
	`privacy_email` text NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL
);
--> statement-breakpoint
CREATE TABLE `account_access` (
	`login_id` text NOT NULL,
	`account_id` text NOT NULL,
	`relationship` text NOT NULL,
	`can_view_usage` integer DEFAULT true NOT NULL,
	`can_view_billing` integer DEFAULT false NOT NULL,
	`can_manage` integer DEFAULT false NOT NULL,
	`granted_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	PRIMARY KEY(`login_id`, `account_id`),
	FOREIGN KEY (`login_id`) REFERENCES `logins`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `account_access_account` ON `account_access` (`account_id`);--> statement-breakpoint
CREATE TABLE `logins` (
	`id` text PRIMARY KEY NOT NULL,
	`email` text NOT NULL,
	`email_verified_at` text,
	`password_hash` text NOT NULL,
	`role` text DEFAULT 'customer' NOT NULL,
	`display_name` text,
	`status` text DEFAULT 'active' NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	`updated_at` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `logins_email` ON `logins` (`email`);--> statement-breakpoint
CREATE TABLE `sessions` (
	`token_hash` text PRIMARY KEY NOT NULL,
	`login_id` text NOT NULL,
	`persistent` integer DEFAULT false NOT NULL,
	`created_at` text NOT NULL,
	`last_seen_at` text NOT NULL,
	`expires_at` text NOT NULL,
	`revoked_at` text,
	`client_label` text,
	FOREIGN KEY (`login_id`) REFERENCES `logins`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `sessions_login` ON `sessions` (`login_id`);--> statement-breakpoint
CREATE TABLE `audit_events` (
	`id` text PRIMARY KEY NOT NULL,
	`at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	`event` text NOT NULL,
	`actor_login_id` text,
	`subject_login_id` text,
	`subject_account_id` text,
	`detail` text
);
--> statement-breakpoint
CREATE INDEX `audit_subject_login` ON `audit_events` (`subject_login_id`,`at`);--> statement-breakpoint
CREATE INDEX `audit_event` ON `audit_events` (`event`,`at`);--> statement-breakpoint
CREATE TABLE `outbox_emails` (
	`id` text PRIMARY KEY NOT NULL,
	`to_address` text NOT NULL,
	`subject` text NOT NULL,
	`body_text` text NOT NULL,
	`kind` text NOT NULL,
	`status` text DEFAULT 'queued' NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	`sent_at` text
);
--> statement-breakpoint
CREATE INDEX `outbox_status` ON `outbox_emails` (`status`,`created_at`);