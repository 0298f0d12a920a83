CREATE TABLE `cmd_applications` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`organisation` text NOT NULL,
	`purpose` text NOT NULL,
	`client_secret_hash` text NOT NULL,
	`redirect_uris` text NOT NULL,
	`notify_uri` text NOT NULL,
	`scope` text NOT NULL,
	`max_authorization_days` integer DEFAULT 365 NOT NULL,
	`status` text DEFAULT 'review' NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL
);
--> statement-breakpoint
CREATE TABLE `cmd_authorizations` (
	`id` text PRIMARY KEY NOT NULL,
	`application_id` text NOT NULL,
	`account_id` text NOT NULL,
	`granted_by` text NOT NULL,
	`subscription_id` text NOT NULL,
	`scope` text NOT NULL,
	`meter_ids` text NOT NULL,
	`data_from` text NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	`ends_at` text NOT NULL,
	`ended_at` text,
	`ended_by` text,
	FOREIGN KEY (`application_id`) REFERENCES `cmd_applications`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `cmd_authorizations_account` ON `cmd_authorizations` (`account_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `cmd_authorizations_application` ON `cmd_authorizations` (`application_id`);--> statement-breakpoint
CREATE INDEX `cmd_authorizations_subscription` ON `cmd_authorizations` (`subscription_id`);--> statement-breakpoint
CREATE TABLE `cmd_codes` (
	`code_hash` text PRIMARY KEY NOT NULL,
	`authorization_id` text NOT NULL,
	`account_id` text NOT NULL,
	`redirect_uri` text NOT NULL,
	`code_challenge` text NOT NULL,
	`expires_at` text NOT NULL,
	`used_at` text
);
--> statement-breakpoint
CREATE TABLE `cmd_consent_requests` (
	`id` text PRIMARY KEY NOT NULL,
	`login_id` text NOT NULL,
	`application_id` text NOT NULL,
	`redirect_uri` text NOT NULL,
	`scope` text NOT NULL,
	`state` text,
	`code_challenge` text NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	`expires_at` text NOT NULL,
	FOREIGN KEY (`application_id`) REFERENCES `cmd_applications`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `cmd_tokens` (
	`token_hash` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`authorization_id` text NOT NULL,
	`account_id` text NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	`expires_at` text NOT NULL,
	`used_at` text,
	`revoked_at` text
);
--> statement-breakpoint
CREATE INDEX `cmd_tokens_authorization` ON `cmd_tokens` (`authorization_id`);