CREATE TABLE `autopay_enrolments` (
	`id` text PRIMARY KEY NOT NULL,
	`account_id` text NOT NULL,
	`login_id` text,
	`status` text DEFAULT 'pending' NOT NULL,
	`processor_customer_id` text NOT NULL,
	`processor_session_id` text,
	`processor_setup_id` text,
	`requested_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	`activated_at` text,
	`ended_at` text,
	`updated_at` text,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`login_id`) REFERENCES `logins`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `autopay_enrolments_processor_session_id_unique` ON `autopay_enrolments` (`processor_session_id`);--> statement-breakpoint
CREATE INDEX `autopay_enrolments_account` ON `autopay_enrolments` (`account_id`,`requested_at`);--> statement-breakpoint
CREATE UNIQUE INDEX `autopay_enrolments_one_active` ON `autopay_enrolments` (`account_id`) WHERE status = 'active';--> statement-breakpoint
CREATE TABLE `billing_preferences` (
	`account_id` text PRIMARY KEY NOT NULL,
	`paperless` integer DEFAULT false NOT NULL,
	`changed_at` text NOT NULL,
	`changed_by_login_id` text,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`changed_by_login_id`) REFERENCES `logins`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `payment_intents` (
	`id` text PRIMARY KEY NOT NULL,
	`account_id` text NOT NULL,
	`login_id` text,
	`channel` text NOT NULL,
	`amount_cents` integer NOT NULL,
	`currency` text DEFAULT 'usd' NOT NULL,
	`status` text DEFAULT 'open' NOT NULL,
	`processor_session_id` text,
	`processor_payment_id` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	`expires_at` text NOT NULL,
	`completed_at` text,
	`updated_at` text,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`login_id`) REFERENCES `logins`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "payment_intents_amount_positive" CHECK("payment_intents"."amount_cents" > 0)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `payment_intents_processor_session_id_unique` ON `payment_intents` (`processor_session_id`);--> statement-breakpoint
CREATE INDEX `payment_intents_account` ON `payment_intents` (`account_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `payment_intents_login` ON `payment_intents` (`login_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `processor_events` (
	`event_id` text PRIMARY KEY NOT NULL,
	`type` text NOT NULL,
	`reference` text,
	`account_id` text,
	`outcome` text NOT NULL,
	`received_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `processor_events_account` ON `processor_events` (`account_id`,`received_at`);