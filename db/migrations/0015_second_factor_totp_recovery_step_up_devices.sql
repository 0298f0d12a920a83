CREATE TABLE `known_devices` (
	`login_id` text NOT NULL,
	`device_hash` text NOT NULL,
	`client_label` text,
	`first_seen_at` text NOT NULL,
	`last_seen_at` text NOT NULL,
	PRIMARY KEY(`login_id`, `device_hash`),
	FOREIGN KEY (`login_id`) REFERENCES `logins`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `known_devices_last_seen` ON `known_devices` (`last_seen_at`);--> statement-breakpoint
CREATE TABLE `recovery_codes` (
	`id` text PRIMARY KEY NOT NULL,
	`login_id` text NOT NULL,
	`code_hash` text NOT NULL,
	`created_at` text NOT NULL,
	`used_at` text,
	FOREIGN KEY (`login_id`) REFERENCES `logins`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `recovery_codes_hash` ON `recovery_codes` (`code_hash`);--> statement-breakpoint
CREATE INDEX `recovery_codes_login` ON `recovery_codes` (`login_id`);--> statement-breakpoint
CREATE TABLE `session_end_links` (
	`token_hash` text PRIMARY KEY NOT NULL,
	`login_id` text NOT NULL,
	`session_hash` text NOT NULL,
	`created_at` text NOT NULL,
	`expires_at` text NOT NULL,
	`used_at` text,
	FOREIGN KEY (`login_id`) REFERENCES `logins`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `session_end_links_login` ON `session_end_links` (`login_id`);--> statement-breakpoint
CREATE INDEX `session_end_links_expires` ON `session_end_links` (`expires_at`);--> statement-breakpoint
CREATE TABLE `step_ups` (
	`session_hash` text PRIMARY KEY NOT NULL,
	`login_id` text NOT NULL,
	`method` text NOT NULL,
	`at` text NOT NULL,
	FOREIGN KEY (`login_id`) REFERENCES `logins`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `step_ups_login` ON `step_ups` (`login_id`);--> statement-breakpoint
CREATE INDEX `step_ups_at` ON `step_ups` (`at`);--> statement-breakpoint
CREATE TABLE `totp_enrolments` (
	`login_id` text PRIMARY KEY NOT NULL,
	`pending_secret` text,
	`pending_expires_at` text,
	`enrolled_at` text,
	FOREIGN KEY (`login_id`) REFERENCES `logins`(`id`) ON UPDATE no action ON DELETE no action
);
