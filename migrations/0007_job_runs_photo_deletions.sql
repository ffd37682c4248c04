CREATE TABLE `job_runs` (
	`job` text NOT NULL,
	`period` text NOT NULL,
	`state` text NOT NULL,
	`attempts` integer DEFAULT 1 NOT NULL,
	`outcome` text,
	`last_error` text,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`job`, `period`)
);
--> statement-breakpoint
CREATE TABLE `photo_deletions` (
	`r2_key` text PRIMARY KEY NOT NULL,
	`state` text NOT NULL,
	`marked_at` integer NOT NULL
);
