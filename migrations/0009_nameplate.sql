CREATE TABLE `feedback` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`reference` text NOT NULL,
	`school_code` text NOT NULL,
	`kind` text NOT NULL,
	`text` text NOT NULL,
	`sender_name` text,
	`sender_phone` text,
	`received_at` integer NOT NULL,
	`status` text DEFAULT 'new' NOT NULL,
	`reply` text,
	`handled_by` text,
	`handled_at` integer,
	`reminded_at` integer,
	`escalated_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `feedback_reference_unique` ON `feedback` (`reference`);--> statement-breakpoint
CREATE INDEX `feedback_school_idx` ON `feedback` (`school_code`,`received_at`);--> statement-breakpoint
CREATE TABLE `nameplate_tokens` (
	`token` text PRIMARY KEY NOT NULL,
	`school_code` text NOT NULL,
	`issued_by` text NOT NULL,
	`issued_at` integer NOT NULL,
	`revoked_at` integer
);
--> statement-breakpoint
CREATE INDEX `nameplate_tokens_school_idx` ON `nameplate_tokens` (`school_code`,`revoked_at`);--> statement-breakpoint
ALTER TABLE `offices` ADD `public_phone` text;
