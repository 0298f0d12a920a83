ALTER TABLE `logins` ADD `locale` text DEFAULT 'en' NOT NULL CHECK (`locale` IN ('en', 'es'));--> statement-breakpoint
ALTER TABLE `privacy_requests` ADD `locale` text DEFAULT 'en' NOT NULL CHECK (`locale` IN ('en', 'es'));--> statement-breakpoint
ALTER TABLE `alert_recipients` ADD `locale` text DEFAULT 'en' NOT NULL CHECK (`locale` IN ('en', 'es'));--> statement-breakpoint
ALTER TABLE `service_requests` ADD `locale` text DEFAULT 'en' NOT NULL CHECK (`locale` IN ('en', 'es'));