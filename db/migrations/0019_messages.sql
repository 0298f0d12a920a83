CREATE TABLE `conversation_messages` (
	`id` text PRIMARY KEY NOT NULL,
	`conversation_id` text NOT NULL,
	`author_kind` text NOT NULL,
	`author_login_id` text,
	`body` text NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`conversation_id`) REFERENCES `conversations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `conversation_messages_thread` ON `conversation_messages` (`conversation_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `conversations` (
	`id` text PRIMARY KEY NOT NULL,
	`account_id` text NOT NULL,
	`opened_by_login_id` text,
	`subject` text NOT NULL,
	`topic` text NOT NULL,
	`status` text DEFAULT 'open' NOT NULL,
	`assigned_to_login_id` text,
	`support_item_id` text,
	`created_at` text NOT NULL,
	`last_message_at` text NOT NULL,
	`last_staff_message_at` text,
	`customer_read_at` text,
	`closed_at` text,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`assigned_to_login_id`) REFERENCES `logins`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "conversations_closed_at" CHECK((status = 'closed') = (closed_at IS NOT NULL))
);
--> statement-breakpoint
CREATE INDEX `conversations_queue` ON `conversations` (`status`,`last_message_at`,`id`);--> statement-breakpoint
CREATE INDEX `conversations_assigned` ON `conversations` (`assigned_to_login_id`,`status`,`last_message_at`,`id`);--> statement-breakpoint
CREATE INDEX `conversations_account` ON `conversations` (`account_id`,`last_message_at`);--> statement-breakpoint
CREATE INDEX `conversations_closed` ON `conversations` (`closed_at`);--> statement-breakpoint
CREATE INDEX `conversations_support_item` ON `conversations` (`support_item_id`);--> statement-breakpoint
CREATE TABLE `message_attachments` (
	`id` text PRIMARY KEY NOT NULL,
	`message_id` text NOT NULL,
	`conversation_id` text NOT NULL,
	`object_key` text NOT NULL,
	`file_name` text NOT NULL,
	`content_type` text NOT NULL,
	`size_bytes` integer NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`message_id`) REFERENCES `conversation_messages`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`conversation_id`) REFERENCES `conversations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `message_attachments_message` ON `message_attachments` (`message_id`);--> statement-breakpoint
CREATE INDEX `message_attachments_conversation` ON `message_attachments` (`conversation_id`);