CREATE TABLE `account_balances` (
	`account_id` text PRIMARY KEY NOT NULL,
	`balance_cents` integer NOT NULL,
	`as_of` text NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `adjustments` (
	`id` text PRIMARY KEY NOT NULL,
	`account_id` text NOT NULL,
	`posted_on` text NOT NULL,
	`kind` text NOT NULL,
	`description` text NOT NULL,
	`amount_cents` integer NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	`updated_at` text,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "adjustments_amount_nonzero" CHECK("adjustments"."amount_cents" <> 0)
);
--> statement-breakpoint
CREATE INDEX `adjustments_account_posted` ON `adjustments` (`account_id`,`posted_on`);--> statement-breakpoint
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
CREATE TABLE `bill_documents` (
	`bill_id` text PRIMARY KEY NOT NULL,
	`object_key` text NOT NULL,
	`content_type` text NOT NULL,
	`size_bytes` integer NOT NULL,
	`sha256` text NOT NULL,
	`uploaded_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	FOREIGN KEY (`bill_id`) REFERENCES `bills`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `bill_lines` (
	`bill_id` text NOT NULL,
	`position` integer NOT NULL,
	`kind` text NOT NULL,
	`service` text,
	`description` text NOT NULL,
	`quantity` real,
	`unit` text,
	`unit_price` real,
	`tier_from` real,
	`tier_to` real,
	`tou_period` text,
	`tax_rate_percent` real,
	`amount_cents` integer NOT NULL,
	PRIMARY KEY(`bill_id`, `position`),
	FOREIGN KEY (`bill_id`) REFERENCES `bills`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
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
CREATE TABLE `payments` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`account_id` text NOT NULL,
	`utility_payment_id` text,
	`portal_payment_id` text,
	`method` text NOT NULL,
	`amount_cents` integer NOT NULL,
	`paid_on` text NOT NULL,
	`posted_on` text,
	`status` text NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	`updated_at` text,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "payments_amount_positive" CHECK("payments"."amount_cents" > 0),
	CONSTRAINT "payments_posted_has_day" CHECK("payments"."status" <> 'posted' OR "payments"."posted_on" IS NOT NULL)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `payments_utility_payment_id_unique` ON `payments` (`utility_payment_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `payments_portal_payment_id_unique` ON `payments` (`portal_payment_id`);--> statement-breakpoint
CREATE INDEX `payments_account_paid` ON `payments` (`account_id`,`paid_on`,`id`);--> statement-breakpoint
CREATE INDEX `payments_account_posted` ON `payments` (`account_id`,`posted_on`);--> statement-breakpoint
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
CREATE INDEX `processor_events_account` ON `processor_events` (`account_id`,`received_at`);--> statement-breakpoint
DROP INDEX `bills_account_issued`;--> statement-breakpoint
ALTER TABLE `bills` ADD `bill_number` text;--> statement-breakpoint
ALTER TABLE `bills` ADD `previous_balance_cents` integer;--> statement-breakpoint
ALTER TABLE `bills` ADD `total_due_cents` integer;--> statement-breakpoint
ALTER TABLE `bills` ADD `rate_name` text;--> statement-breakpoint
ALTER TABLE `bills` ADD `updated_at` text;--> statement-breakpoint
CREATE INDEX `bills_account_issued` ON `bills` (`account_id`,`issued_on`,`id`);