CREATE TABLE `photos` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`dedupe_key` text NOT NULL,
	`subject_kind` text NOT NULL,
	`subject_id` integer,
	`state` text NOT NULL,
	`refusal` text,
	`sender_code` text NOT NULL,
	`message_id` text NOT NULL,
	`file_key` text NOT NULL,
	`sha256` text NOT NULL,
	`size` integer NOT NULL,
	`content_type` text NOT NULL,
	`r2_key` text,
	`image_key` text,
	`received_at` integer NOT NULL,
	`answered_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `photos_dedupe_unique` ON `photos` (`dedupe_key`);--> statement-breakpoint
CREATE UNIQUE INDEX `photos_message_file_unique` ON `photos` (`message_id`,`file_key`);--> statement-breakpoint
CREATE INDEX `photos_subject_idx` ON `photos` (`subject_kind`,`subject_id`);--> statement-breakpoint
CREATE INDEX `photos_sender_idx` ON `photos` (`sender_code`,`answered_at`);--> statement-breakpoint
CREATE INDEX `photos_received_idx` ON `photos` (`received_at`);--> statement-breakpoint
CREATE INDEX `photos_sha256_idx` ON `photos` (`sha256`);