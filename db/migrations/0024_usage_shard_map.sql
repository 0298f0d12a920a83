CREATE TABLE `usage_shard_map` (
	`meter_id` text PRIMARY KEY NOT NULL,
	`shard` text NOT NULL,
	FOREIGN KEY (`shard`) REFERENCES `usage_shards`(`binding`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `usage_shard_map_shard` ON `usage_shard_map` (`shard`);--> statement-breakpoint
CREATE TABLE `usage_shards` (
	`binding` text PRIMARY KEY NOT NULL,
	`accepts_meters` integer DEFAULT true NOT NULL,
	`meters` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
DROP TABLE `usage_days`;--> statement-breakpoint
DROP TABLE `usage_peer_days`;--> statement-breakpoint
DROP TABLE `usage_peer_groups`;