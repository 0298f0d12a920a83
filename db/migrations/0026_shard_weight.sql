ALTER TABLE `usage_shards` ADD `weight` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
UPDATE `usage_shards` SET `weight` = `meters`;
