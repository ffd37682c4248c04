ALTER TABLE `outbox` ADD `give_up_at` integer;--> statement-breakpoint
ALTER TABLE `outbox` ADD `maybe_sent_at` integer;--> statement-breakpoint
UPDATE `outbox` SET `give_up_at` = `created_at` + (CASE WHEN `operation` IN ('reply', 'update', 'card_update') OR `ref` LIKE 'reply:%' THEN 7200000 ELSE 86400000 END) WHERE `state` <> 'sent';
