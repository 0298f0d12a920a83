CREATE TABLE `consent_records` (
	`id` text PRIMARY KEY NOT NULL,
	`consent_id` text NOT NULL,
	`action` text NOT NULL,
	`method` text NOT NULL,
	`policy_version` text NOT NULL,
	`preferences` integer NOT NULL,
	`analytics` integer NOT NULL,
	`gpc` integer NOT NULL,
	`recorded_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `consent_records_consent` ON `consent_records` (`consent_id`,`recorded_at`);--> statement-breakpoint
CREATE TABLE `visit_daily_counts` (
	`day` text NOT NULL,
	`dimension` text NOT NULL,
	`key` text NOT NULL,
	`count` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`day`, `dimension`, `key`)
);
--> statement-breakpoint
CREATE TABLE `visit_daily_totals` (
	`day` text PRIMARY KEY NOT NULL,
	`visits` integer DEFAULT 0 NOT NULL,
	`page_views` integer DEFAULT 0 NOT NULL,
	`timed_views` integer DEFAULT 0 NOT NULL,
	`time_on_page_ms` integer DEFAULT 0 NOT NULL
);
