CREATE TABLE `delegate_invitations` (
	`id` text PRIMARY KEY NOT NULL,
	`account_id` text NOT NULL,
	`invited_by` text NOT NULL,
	`email` text NOT NULL,
	`token_hash` text NOT NULL,
	`can_view_usage` integer NOT NULL,
	`can_view_billing` integer NOT NULL,
	`can_pay` integer NOT NULL,
	`can_manage` integer NOT NULL,
	`can_receive_alerts` integer NOT NULL,
	`access_until` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	`expires_at` text NOT NULL,
	`accepted_at` text,
	`accepted_by` text,
	`withdrawn_at` text,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`invited_by`) REFERENCES `logins`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`accepted_by`) REFERENCES `logins`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `delegate_invitations_account` ON `delegate_invitations` (`account_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `delegate_invitations_token` ON `delegate_invitations` (`token_hash`);--> statement-breakpoint
CREATE TABLE `disclosures` (
	`id` text PRIMARY KEY NOT NULL,
	`account_id` text NOT NULL,
	`recipient_kind` text NOT NULL,
	`recipient_id` text NOT NULL,
	`recipient_label` text NOT NULL,
	`authority` text NOT NULL,
	`description` text NOT NULL,
	`resource` text NOT NULL,
	`records` integer DEFAULT 0 NOT NULL,
	`released_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `disclosures_account` ON `disclosures` (`account_id`,`released_at`);--> statement-breakpoint
ALTER TABLE `account_access` ADD `can_pay` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `account_access` ADD `can_receive_alerts` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `account_access` ADD `expires_at` text;--> statement-breakpoint
-- Before these rights existed, a delegate who could see bills could pay them, and one who could see usage could be sent its alerts.
UPDATE `account_access` SET `can_pay` = `can_view_billing`, `can_receive_alerts` = `can_view_usage` WHERE `relationship` = 'delegate';
