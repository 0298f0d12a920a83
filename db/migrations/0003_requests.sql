CREATE TABLE `privacy_choices` (
	`account_id` text PRIMARY KEY NOT NULL,
	`opt_out_sale_sharing` integer DEFAULT false NOT NULL,
	`limit_sensitive_use` integer DEFAULT false NOT NULL,
	`source_request_id` text,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `privacy_request_history` (
	`id` text PRIMARY KEY NOT NULL,
	`request_id` text NOT NULL,
	`at` text NOT NULL,
	`from_state` text,
	`to_state` text NOT NULL,
	`actor_kind` text NOT NULL,
	`actor_login_id` text,
	`note` text,
	FOREIGN KEY (`request_id`) REFERENCES `privacy_requests`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `privacy_request_history_request` ON `privacy_request_history` (`request_id`,`at`);--> statement-breakpoint
CREATE TABLE `privacy_requests` (
	`id` text PRIMARY KEY NOT NULL,
	`type` text NOT NULL,
	`state` text NOT NULL,
	`received_at` text NOT NULL,
	`acknowledge_by` text NOT NULL,
	`due_on` text NOT NULL,
	`acknowledged_at` text,
	`extended_at` text,
	`extension_reason` text,
	`overdue_since` text,
	`closed_at` text,
	`refusal_reason` text,
	`answer` text,
	`submitted_by` text NOT NULL,
	`requester_name` text NOT NULL,
	`requester_email` text NOT NULL,
	`account_number_given` text,
	`postal_code_given` text,
	`agent_name` text,
	`agent_email` text,
	`agent_permission` text,
	`details` text,
	`declaration_name` text NOT NULL,
	`submission_sha256` text NOT NULL,
	`receipt_jws` text NOT NULL,
	`account_id` text,
	`filed_by_login_id` text,
	`verification_method` text,
	`verified_at` text,
	`verify_nonce_hash` text,
	`verify_expires_at` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `privacy_requests_due` ON `privacy_requests` (`state`,`due_on`);--> statement-breakpoint
CREATE INDEX `privacy_requests_account` ON `privacy_requests` (`account_id`);--> statement-breakpoint
CREATE INDEX `privacy_requests_closed` ON `privacy_requests` (`closed_at`);--> statement-breakpoint
CREATE TABLE `receipt_signing_keys` (
	`kid` text PRIMARY KEY NOT NULL,
	`public_jwk` text NOT NULL,
	`first_used_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL
);
--> statement-breakpoint
CREATE TABLE `used_form_tokens` (
	`jti` text PRIMARY KEY NOT NULL,
	`expires_at` text NOT NULL
);
