CREATE TABLE `offices` (
	`code` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`short_name` text NOT NULL,
	`parent_code` text,
	`district` text DEFAULT '' NOT NULL,
	`digest_chat_id` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `order_sequences` (
	`office_code` text NOT NULL,
	`kind` text NOT NULL,
	`year` integer NOT NULL,
	`last_seq` integer NOT NULL,
	PRIMARY KEY(`office_code`, `kind`, `year`)
);
--> statement-breakpoint
CREATE TABLE `roster_imports` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`at` integer NOT NULL,
	`actor_code` text NOT NULL,
	`kind` text NOT NULL,
	`file_name` text NOT NULL,
	`file_hash` text NOT NULL,
	`added` integer DEFAULT 0 NOT NULL,
	`updated` integer DEFAULT 0 NOT NULL,
	`deactivated` integer DEFAULT 0 NOT NULL,
	`status` text DEFAULT 'done' NOT NULL,
	`pending_codes` text,
	`decided_by` text,
	`decided_at` integer
);
--> statement-breakpoint
CREATE INDEX `roster_imports_at_idx` ON `roster_imports` (`at`);--> statement-breakpoint
DROP INDEX `orders_kind_year_seq`;--> statement-breakpoint
ALTER TABLE `orders` ADD `office_code` text DEFAULT '' NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX `orders_office_kind_year_seq` ON `orders` (`office_code`,`kind`,`year`,`seq`);--> statement-breakpoint
ALTER TABLE `people` ADD `office_code` text;