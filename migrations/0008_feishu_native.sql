CREATE TABLE `digest_groups` (
	`office_code` text PRIMARY KEY NOT NULL,
	`chat_id` text NOT NULL,
	`chat_name` text DEFAULT '' NOT NULL,
	`bound_by` text NOT NULL,
	`bound_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `digest_groups_chat_idx` ON `digest_groups` (`chat_id`);--> statement-breakpoint
CREATE TABLE `welcomes` (
	`open_id` text PRIMARY KEY NOT NULL,
	`welcomed_at` integer NOT NULL
);
