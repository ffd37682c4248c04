CREATE TABLE `assignments` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`week` text NOT NULL,
	`supervisor_code` text NOT NULL,
	`school_code` text NOT NULL,
	`reason` text NOT NULL,
	`topic` text,
	`order_id` integer,
	`status` text DEFAULT 'planned' NOT NULL,
	`note` text,
	`moved_to_week` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `assignments_week_sup_school` ON `assignments` (`week`,`supervisor_code`,`school_code`);--> statement-breakpoint
CREATE INDEX `assignments_school_idx` ON `assignments` (`school_code`,`week`);--> statement-breakpoint
CREATE INDEX `assignments_week_idx` ON `assignments` (`week`,`status`);--> statement-breakpoint
CREATE TABLE `cache_entries` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL,
	`expires_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `calendar_periods` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`kind` text NOT NULL,
	`name` text NOT NULL,
	`start_date` text NOT NULL,
	`end_date` text NOT NULL,
	`created_by` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `calendar_unique` ON `calendar_periods` (`kind`,`start_date`,`end_date`);--> statement-breakpoint
CREATE TABLE `digests` (
	`week` text NOT NULL,
	`scope` text NOT NULL,
	`sent_at` integer NOT NULL,
	PRIMARY KEY(`week`, `scope`)
);
--> statement-breakpoint
CREATE TABLE `extension_requests` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`order_id` integer NOT NULL,
	`requested_by` text NOT NULL,
	`requested_due` text NOT NULL,
	`reason` text NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`decided_by` text,
	`decided_at` integer,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `extension_requests_order_idx` ON `extension_requests` (`order_id`);--> statement-breakpoint
CREATE TABLE `leaves` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`person_code` text NOT NULL,
	`from_date` text NOT NULL,
	`to_date` text NOT NULL,
	`reason` text DEFAULT '' NOT NULL,
	`created_by` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `leaves_person_idx` ON `leaves` (`person_code`,`from_date`);--> statement-breakpoint
CREATE TABLE `order_counters` (
	`kind` text NOT NULL,
	`year` integer NOT NULL,
	`last_seq` integer NOT NULL,
	PRIMARY KEY(`kind`, `year`)
);
--> statement-breakpoint
CREATE TABLE `order_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`order_id` integer NOT NULL,
	`at` integer NOT NULL,
	`actor_code` text NOT NULL,
	`action` text NOT NULL,
	`note` text,
	`data` text
);
--> statement-breakpoint
CREATE INDEX `order_events_order_idx` ON `order_events` (`order_id`,`at`);--> statement-breakpoint
CREATE TABLE `orders` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`number` text NOT NULL,
	`kind` text NOT NULL,
	`year` integer NOT NULL,
	`seq` integer NOT NULL,
	`school_code` text NOT NULL,
	`text` text NOT NULL,
	`due_date` text NOT NULL,
	`status` text DEFAULT 'issued' NOT NULL,
	`issued_by` text NOT NULL,
	`issued_at` integer NOT NULL,
	`problem_id` integer,
	`acknowledged_at` integer,
	`reported_at` integer,
	`closed_at` integer,
	`reminded_for_due` text,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `orders_number_unique` ON `orders` (`number`);--> statement-breakpoint
CREATE UNIQUE INDEX `orders_kind_year_seq` ON `orders` (`kind`,`year`,`seq`);--> statement-breakpoint
CREATE INDEX `orders_status_due_idx` ON `orders` (`status`,`due_date`);--> statement-breakpoint
CREATE INDEX `orders_school_idx` ON `orders` (`school_code`);--> statement-breakpoint
CREATE TABLE `outbox` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`uuid` text NOT NULL,
	`operation` text NOT NULL,
	`receive_id_type` text,
	`receive_id` text,
	`target_message_id` text,
	`msg_type` text NOT NULL,
	`content` text NOT NULL,
	`ref` text,
	`state` text DEFAULT 'pending' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer NOT NULL,
	`last_error` text,
	`message_id` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`sent_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `outbox_uuid_unique` ON `outbox` (`uuid`);--> statement-breakpoint
CREATE INDEX `outbox_state_idx` ON `outbox` (`state`,`next_attempt_at`);--> statement-breakpoint
CREATE INDEX `outbox_ref_idx` ON `outbox` (`ref`);--> statement-breakpoint
CREATE TABLE `people` (
	`code` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`role` text NOT NULL,
	`zone_code` text,
	`school_code` text,
	`mobile` text,
	`email` text,
	`open_id` text,
	`lang` text DEFAULT 'zh' NOT NULL,
	`active` integer DEFAULT true NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `people_open_id_unique` ON `people` (`open_id`);--> statement-breakpoint
CREATE INDEX `people_zone_idx` ON `people` (`zone_code`);--> statement-breakpoint
CREATE INDEX `people_school_idx` ON `people` (`school_code`);--> statement-breakpoint
CREATE TABLE `plan_runs` (
	`week` text PRIMARY KEY NOT NULL,
	`planned_at` integer NOT NULL,
	`sent_at` integer,
	`reminded_at` integer,
	`misses_marked_at` integer
);
--> statement-breakpoint
CREATE TABLE `problems` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`report_id` integer NOT NULL,
	`school_code` text NOT NULL,
	`week` text NOT NULL,
	`item` text NOT NULL,
	`topic` text,
	`description` text NOT NULL,
	`severity` text NOT NULL,
	`fixed_on_spot` integer NOT NULL,
	`deadline` text,
	`order_id` integer,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `problems_report_idx` ON `problems` (`report_id`);--> statement-breakpoint
CREATE INDEX `problems_week_idx` ON `problems` (`week`);--> statement-breakpoint
CREATE TABLE `processed_events` (
	`key` text PRIMARY KEY NOT NULL,
	`received_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `processed_events_received_idx` ON `processed_events` (`received_at`);--> statement-breakpoint
CREATE TABLE `rate_counters` (
	`key` text PRIMARY KEY NOT NULL,
	`count` integer NOT NULL,
	`expires_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `report_versions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`report_id` integer NOT NULL,
	`version` integer NOT NULL,
	`data` text NOT NULL,
	`submitted_by` text NOT NULL,
	`on_behalf` integer DEFAULT false NOT NULL,
	`submitted_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `report_versions_unique` ON `report_versions` (`report_id`,`version`);--> statement-breakpoint
CREATE TABLE `reports` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`assignment_id` integer,
	`school_code` text NOT NULL,
	`supervisor_code` text NOT NULL,
	`week` text NOT NULL,
	`visit_date` text NOT NULL,
	`kind` text NOT NULL,
	`data` text NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	`submitted_by` text NOT NULL,
	`on_behalf` integer DEFAULT false NOT NULL,
	`submission_key` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `reports_assignment_unique` ON `reports` (`assignment_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `reports_submission_unique` ON `reports` (`submission_key`);--> statement-breakpoint
CREATE INDEX `reports_week_idx` ON `reports` (`week`);--> statement-breakpoint
CREATE INDEX `reports_school_idx` ON `reports` (`school_code`,`visit_date`);--> statement-breakpoint
CREATE TABLE `schools` (
	`code` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`zone_code` text NOT NULL,
	`supervisor_code` text,
	`stage` text NOT NULL,
	`ownership` text NOT NULL,
	`address` text DEFAULT '' NOT NULL,
	`visits_per_month` integer DEFAULT 1 NOT NULL,
	`active` integer DEFAULT true NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `schools_zone_idx` ON `schools` (`zone_code`);--> statement-breakpoint
CREATE INDEX `schools_supervisor_idx` ON `schools` (`supervisor_code`);--> statement-breakpoint
CREATE TABLE `settings` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `zones` (
	`code` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`level` text NOT NULL,
	`district` text DEFAULT '' NOT NULL,
	`lead_code` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
