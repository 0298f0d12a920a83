CREATE TABLE `program_application_documents` (
	`id` text PRIMARY KEY NOT NULL,
	`application_id` text NOT NULL,
	`requirement_id` text NOT NULL,
	`object_key` text NOT NULL,
	`file_name` text NOT NULL,
	`content_type` text NOT NULL,
	`size_bytes` integer NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`application_id`) REFERENCES `program_applications`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `program_application_documents_application` ON `program_application_documents` (`application_id`);--> statement-breakpoint
CREATE TABLE `program_application_events` (
	`id` text PRIMARY KEY NOT NULL,
	`application_id` text NOT NULL,
	`status` text NOT NULL,
	`note` text,
	`actor_kind` text NOT NULL,
	`actor_login_id` text,
	`at` text NOT NULL,
	FOREIGN KEY (`application_id`) REFERENCES `program_applications`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `program_application_events_application` ON `program_application_events` (`application_id`,`at`);--> statement-breakpoint
CREATE TABLE `program_applications` (
	`id` text PRIMARY KEY NOT NULL,
	`account_id` text NOT NULL,
	`applicant_login_id` text,
	`program_id` text NOT NULL,
	`program_title` text NOT NULL,
	`program_kind` text NOT NULL,
	`answers` text NOT NULL,
	`installed_on` text,
	`status` text DEFAULT 'submitted' NOT NULL,
	`staff_note` text,
	`paid_cents` integer,
	`paid_on` text,
	`paid_by` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`decided_at` text,
	`documents_delete_on` text,
	`documents_kept_days` integer NOT NULL,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "program_applications_paid" CHECK((status = 'paid') = (paid_cents IS NOT NULL))
);
--> statement-breakpoint
CREATE INDEX `program_applications_queue` ON `program_applications` (`status`,`updated_at`,`id`);--> statement-breakpoint
CREATE INDEX `program_applications_account` ON `program_applications` (`account_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `program_applications_documents_due` ON `program_applications` (`documents_delete_on`);--> statement-breakpoint
CREATE INDEX `program_applications_decided` ON `program_applications` (`decided_at`);