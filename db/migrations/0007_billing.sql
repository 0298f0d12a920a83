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
DROP INDEX `bills_account_issued`;--> statement-breakpoint
ALTER TABLE `bills` ADD `bill_number` text;--> statement-breakpoint
ALTER TABLE `bills` ADD `previous_balance_cents` integer;--> statement-breakpoint
ALTER TABLE `bills` ADD `total_due_cents` integer;--> statement-breakpoint
ALTER TABLE `bills` ADD `rate_name` text;--> statement-breakpoint
ALTER TABLE `bills` ADD `updated_at` text;--> statement-breakpoint
CREATE INDEX `bills_account_issued` ON `bills` (`account_id`,`issued_on`,`id`);