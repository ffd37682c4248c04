CREATE TABLE `inbox` (
	`event_id` text PRIMARY KEY NOT NULL,
	`payload` text NOT NULL,
	`received_at` integer NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `inbox_next_attempt_idx` ON `inbox` (`next_attempt_at`);