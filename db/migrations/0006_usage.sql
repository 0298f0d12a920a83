CREATE TABLE `ingest_batches` (
	`client_id` text NOT NULL,
	`batch_id` text NOT NULL,
	`body_sha256` text NOT NULL,
	`summary` text NOT NULL,
	`received_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	PRIMARY KEY(`client_id`, `batch_id`),
	FOREIGN KEY (`client_id`) REFERENCES `ingest_clients`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `ingest_clients` (
	`id` text PRIMARY KEY NOT NULL,
	`utility_id` text NOT NULL,
	`name` text NOT NULL,
	`public_jwk` text NOT NULL,
	`status` text DEFAULT 'active' NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	FOREIGN KEY (`utility_id`) REFERENCES `utilities`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `ingest_token_ids` (
	`client_id` text NOT NULL,
	`jti` text NOT NULL,
	`expires_at` text NOT NULL,
	PRIMARY KEY(`client_id`, `jti`),
	FOREIGN KEY (`client_id`) REFERENCES `ingest_clients`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `ingest_token_ids_expiry` ON `ingest_token_ids` (`expires_at`);--> statement-breakpoint
CREATE TABLE `usage_days` (
	`meter_id` text NOT NULL,
	`day` text NOT NULL,
	`vals` text NOT NULL,
	`quality` text NOT NULL,
	`total` real NOT NULL,
	`missing` integer NOT NULL,
	`estimated` integer NOT NULL,
	`peer_group` integer,
	`area_group` integer NOT NULL,
	`updated_at` integer DEFAULT (unixepoch()) NOT NULL,
	PRIMARY KEY(`meter_id`, `day`),
	FOREIGN KEY (`meter_id`) REFERENCES `meters`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `usage_peer_days` (
	`group_id` integer NOT NULL,
	`day` text NOT NULL,
	`homes` integer NOT NULL,
	`total` real NOT NULL,
	PRIMARY KEY(`group_id`, `day`),
	FOREIGN KEY (`group_id`) REFERENCES `usage_peer_groups`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `usage_peer_groups` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`kind` text NOT NULL,
	`service_area` text NOT NULL,
	`household` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `usage_peer_groups_key` ON `usage_peer_groups` (`kind`,`service_area`,`household`);