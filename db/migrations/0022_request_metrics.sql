CREATE TABLE `privacy_request_metrics` (
	`year` integer NOT NULL,
	`category` text NOT NULL CHECK (`category` IN ('know','delete','correct','opt_out','limit')),
	`received` integer NOT NULL,
	`complied` integer NOT NULL,
	`denied` integer NOT NULL,
	`open` integer NOT NULL,
	`median_days` real,
	`mean_days` real,
	`frozen_at` text NOT NULL,
	PRIMARY KEY(`year`, `category`)
);
