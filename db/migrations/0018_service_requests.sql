CREATE TABLE `service_requests` (
	`id` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`account_id` text,
	`login_id` text,
	`service_point_id` text,
	`stop_on` text,
	`start_on` text,
	`new_street` text,
	`new_city` text,
	`new_postal_code` text,
	`contact_name` text,
	`contact_email` text,
	`contact_phone` text,
	`note` text,
	`state` text DEFAULT 'submitted' NOT NULL,
	`refusal_reason` text,
	`decided_by` text,
	`decided_at` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`login_id`) REFERENCES `logins`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`service_point_id`) REFERENCES `service_points`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`decided_by`) REFERENCES `logins`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `service_requests_state` ON `service_requests` (`state`,`created_at`);--> statement-breakpoint
CREATE INDEX `service_requests_account` ON `service_requests` (`account_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `service_requests_login` ON `service_requests` (`login_id`,`created_at`);