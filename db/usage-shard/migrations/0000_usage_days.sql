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
	PRIMARY KEY(`meter_id`, `day`)
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