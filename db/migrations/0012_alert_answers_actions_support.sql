CREATE TABLE `alert_actions` (
	`id` text PRIMARY KEY NOT NULL,
	`alert_id` text NOT NULL,
	`account_id` text NOT NULL,
	`login_id` text,
	`action` text NOT NULL,
	`taken_on` text NOT NULL,
	`recorded_at` text NOT NULL,
	FOREIGN KEY (`alert_id`) REFERENCES `alerts`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `alert_actions_once` ON `alert_actions` (`alert_id`,`action`);--> statement-breakpoint
CREATE INDEX `alert_actions_account` ON `alert_actions` (`account_id`);--> statement-breakpoint
CREATE TABLE `alert_answers` (
	`id` text PRIMARY KEY NOT NULL,
	`alert_id` text NOT NULL,
	`account_id` text NOT NULL,
	`login_id` text,
	`answer` text NOT NULL,
	`note` text,
	`answered_at` text NOT NULL,
	FOREIGN KEY (`alert_id`) REFERENCES `alerts`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `alert_answers_alert` ON `alert_answers` (`alert_id`,`answered_at`);--> statement-breakpoint
CREATE INDEX `alert_answers_account` ON `alert_answers` (`account_id`);--> statement-breakpoint
CREATE TABLE `support_items` (
	`id` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`account_id` text NOT NULL,
	`alert_id` text,
	`answer_id` text,
	`status` text DEFAULT 'open' NOT NULL,
	`opened_at` text NOT NULL,
	`closed_at` text,
	`closed_by_login_id` text,
	`closing_note` text,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`alert_id`) REFERENCES `alerts`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`answer_id`) REFERENCES `alert_answers`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "support_items_closed" CHECK((status = 'open') = (closed_at IS NULL))
);
--> statement-breakpoint
CREATE INDEX `support_items_queue` ON `support_items` (`status`,`opened_at`);--> statement-breakpoint
CREATE INDEX `support_items_account` ON `support_items` (`account_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `support_items_one_open` ON `support_items` (`alert_id`) WHERE status = 'open';