import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { ORDER_KINDS, ORDER_STATUSES } from "../domain/orders.ts";
import { FEEDBACK_KINDS, FEEDBACK_STATUSES } from "../domain/nameplate.ts";
import { ROLES } from "../domain/people.ts";

/*
 * Conventions: codes from the roster are the stable keys; calendar dates are
 * 'YYYY-MM-DD' text in the office's time zone; instants are epoch milliseconds;
 * ISO weeks are 'YYYY-Www'. JSON columns hold plain data validated with zod
 * at the edges.
 */

const createdAt = () => integer("created_at").notNull();
const updatedAt = () => integer("updated_at").notNull();

// ---------------------------------------------------------------- roster

/** Supervision offices as a tree (offices.csv); empty = one implicit office (domain/offices.ts). */
export const offices = sqliteTable("offices", {
  code: text("code").primaryKey(),
  name: text("name").notNull(),
  shortName: text("short_name").notNull(),
  parentCode: text("parent_code"),
  district: text("district").notNull().default(""),
  digestChatId: text("digest_chat_id"),
  /** 监督电话: the office's public telephone, shown on its schools' public pages (optional) */
  publicPhone: text("public_phone"),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

/**
 * An office's digest group bound in Feishu (a manager pressed 「设为…周报群」 or typed `绑定周报群` in it): takes
 * precedence over offices.csv's digest_chat_id and DIGEST_CHAT_ID. `office_code` '' = the implicit office (no offices.csv).
 */
export const digestGroups = sqliteTable(
  "digest_groups",
  {
    officeCode: text("office_code").primaryKey(),
    chatId: text("chat_id").notNull(),
    chatName: text("chat_name").notNull().default(""),
    boundBy: text("bound_by").notNull(),
    boundAt: integer("bound_at").notNull(),
  },
  (t) => [index("digest_groups_chat_idx").on(t.chatId)],
);

/** Who has been welcomed in the bot's direct chat (once per open_id, ever). */
export const welcomes = sqliteTable("welcomes", {
  openId: text("open_id").primaryKey(),
  welcomedAt: integer("welcomed_at").notNull(),
});

export const zones = sqliteTable("zones", {
  code: text("code").primaryKey(),
  name: text("name").notNull(),
  level: text("level", { enum: ["city", "district"] }).notNull(),
  district: text("district").notNull().default(""),
  leadCode: text("lead_code"),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

export { ROLES, type Role } from "../domain/people.ts";

export const people = sqliteTable(
  "people",
  {
    code: text("code").primaryKey(),
    name: text("name").notNull(),
    role: text("role", { enum: ROLES }).notNull(),
    zoneCode: text("zone_code"),
    schoolCode: text("school_code"),
    // Personal data: kept only to resolve open_id; never logged.
    mobile: text("mobile"),
    email: text("email"),
    openId: text("open_id"),
    lang: text("lang", { enum: ["zh", "en"] }).notNull().default("zh"),
    /** managers and admins: their office (offices.code); with offices, empty or unknown is refused (domain/policy.ts) */
    officeCode: text("office_code"),
    active: integer("active", { mode: "boolean" }).notNull().default(true),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex("people_open_id_unique").on(t.openId),
    index("people_zone_idx").on(t.zoneCode),
    index("people_school_idx").on(t.schoolCode),
  ],
);

export const SCHOOL_STAGES = [
  "kindergarten",
  "primary",
  "junior",
  "senior",
  "nine_year",
  "twelve_year",
  "vocational",
  "special",
] as const;

export const schools = sqliteTable(
  "schools",
  {
    code: text("code").primaryKey(),
    name: text("name").notNull(),
    zoneCode: text("zone_code").notNull(),
    supervisorCode: text("supervisor_code"),
    stage: text("stage", { enum: SCHOOL_STAGES }).notNull(),
    ownership: text("ownership", { enum: ["public", "private"] }).notNull(),
    address: text("address").notNull().default(""),
    visitsPerMonth: integer("visits_per_month").notNull().default(1),
    active: integer("active", { mode: "boolean" }).notNull().default(true),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index("schools_zone_idx").on(t.zoneCode), index("schools_supervisor_idx").on(t.supervisorCode)],
);

// ---------------------------------------------------------------- platform plumbing

/** Deduplication keys of inbound deliveries: `event:<event_id>` and `message:<message_id>`. */
export const processedEvents = sqliteTable(
  "processed_events",
  {
    key: text("key").primaryKey(),
    receivedAt: integer("received_at").notNull(),
  },
  (t) => [index("processed_events_received_idx").on(t.receivedAt)],
);

/**
 * Inbound events recorded before Feishu gets its 200 (the verified envelope, decrypted): deleted in the batch that
 * commits the event's work, so a row still here past its next_attempt_at was lost (isolate evicted, waitUntil cut
 * off, D1 down past the retries) and the recovery job runs it again; the claim in that batch keeps it exactly once.
 */
export const inbox = sqliteTable(
  "inbox",
  {
    eventId: text("event_id").primaryKey(),
    payload: text("payload").notNull(),
    receivedAt: integer("received_at").notNull(),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: integer("next_attempt_at").notNull(),
  },
  (t) => [index("inbox_next_attempt_idx").on(t.nextAttemptAt)],
);

/** Small shared cache across isolates (the tenant access token lives here). */
export const cacheEntries = sqliteTable("cache_entries", {
  key: text("key").primaryKey(),
  value: text("value").notNull(),
  expiresAt: integer("expires_at").notNull(),
});

/** Office settings as JSON values: max_visits_per_week, order number prefixes, special topics by month… */
export const settings = sqliteTable("settings", {
  key: text("key").primaryKey(),
  value: text("value").notNull(),
  updatedAt: updatedAt(),
});

export const OUTBOX_STATES = ["pending", "sending", "sent", "failed", "dead"] as const;
export type OutboxState = (typeof OUTBOX_STATES)[number];

/**
 * Every outbound Feishu call. Written in the same D1 batch as the change that
 * causes it; `uuid` is Feishu's idempotency key, derived from what the message
 * is about, so a retry never sends twice.
 */
export const outbox = sqliteTable(
  "outbox",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    uuid: text("uuid").notNull(),
    /** send | reply | update (PATCH a sent card) | card_update (delayed update by callback token) */
    operation: text("operation", { enum: ["send", "reply", "update", "card_update"] }).notNull(),
    receiveIdType: text("receive_id_type", { enum: ["open_id", "chat_id"] }),
    receiveId: text("receive_id"),
    /** message_id replied to (reply) or updated (update) */
    targetMessageId: text("target_message_id"),
    msgType: text("msg_type", { enum: ["text", "interactive", "file"] }).notNull(),
    content: text("content").notNull(),
    /** what the message is about, e.g. `plan:2026-W48:S001`; lets later updates find the sent message */
    ref: text("ref"),
    state: text("state", { enum: OUTBOX_STATES }).notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: integer("next_attempt_at").notNull(),
    lastError: text("last_error"),
    messageId: text("message_id"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    sentAt: integer("sent_at"),
    /** past this time the message is given up (dead, "expired"): answers 2 h after they were written, other messages 24 h */
    giveUpAt: integer("give_up_at"),
    /** the first attempt that may have reached Feishu (timed out / connection lost): Feishu's uuid dedupe lasts one hour from it */
    maybeSentAt: integer("maybe_sent_at"),
  },
  (t) => [
    uniqueIndex("outbox_uuid_unique").on(t.uuid),
    index("outbox_state_idx").on(t.state, t.nextAttemptAt),
    index("outbox_ref_idx").on(t.ref),
  ],
);

/** Sliding send counters shared by queue consumers (per app per second/minute, per recipient per second). */
export const rateCounters = sqliteTable("rate_counters", {
  key: text("key").primaryKey(),
  count: integer("count").notNull(),
  expiresAt: integer("expires_at").notNull(),
});

// ---------------------------------------------------------------- calendar, leave, weekly plan

export const CALENDAR_KINDS = ["term", "break", "holiday", "workday"] as const;

/** Term dates, breaks (寒暑假), public holidays and make-up working days (调休), as data per office. */
export const calendarPeriods = sqliteTable(
  "calendar_periods",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    kind: text("kind", { enum: CALENDAR_KINDS }).notNull(),
    name: text("name").notNull(),
    startDate: text("start_date").notNull(),
    endDate: text("end_date").notNull(),
    createdBy: text("created_by"),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("calendar_unique").on(t.kind, t.startDate, t.endDate)],
);

export const leaves = sqliteTable(
  "leaves",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    personCode: text("person_code").notNull(),
    fromDate: text("from_date").notNull(),
    toDate: text("to_date").notNull(),
    reason: text("reason").notNull().default(""),
    createdBy: text("created_by").notNull(),
    createdAt: createdAt(),
  },
  (t) => [index("leaves_person_idx").on(t.personCode, t.fromDate)],
);

export const ASSIGNMENT_REASONS = ["routine", "follow_up", "special_topic", "carried_over"] as const;
export const ASSIGNMENT_STATUSES = ["planned", "reported", "missed", "moved", "cancelled"] as const;

export const assignments = sqliteTable(
  "assignments",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    week: text("week").notNull(),
    supervisorCode: text("supervisor_code").notNull(),
    schoolCode: text("school_code").notNull(),
    reason: text("reason", { enum: ASSIGNMENT_REASONS }).notNull(),
    topic: text("topic"),
    /** the order whose deadline passed, for follow-ups */
    orderId: integer("order_id"),
    status: text("status", { enum: ASSIGNMENT_STATUSES }).notNull().default("planned"),
    note: text("note"),
    movedToWeek: text("moved_to_week"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex("assignments_week_sup_school").on(t.week, t.supervisorCode, t.schoolCode),
    index("assignments_school_idx").on(t.schoolCode, t.week),
    index("assignments_week_idx").on(t.week, t.status),
  ],
);

/** One row per planned week: when it was planned and when its cards went out. */
export const planRuns = sqliteTable("plan_runs", {
  week: text("week").primaryKey(),
  plannedAt: integer("planned_at").notNull(),
  sentAt: integer("sent_at"),
  remindedAt: integer("reminded_at"),
  missesMarkedAt: integer("misses_marked_at"),
});

// ---------------------------------------------------------------- visit reports

export const VISIT_KINDS = ["routine", "follow_up", "special_topic", "complaint"] as const;

export const reports = sqliteTable(
  "reports",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    assignmentId: integer("assignment_id"),
    schoolCode: text("school_code").notNull(),
    supervisorCode: text("supervisor_code").notNull(),
    week: text("week").notNull(),
    visitDate: text("visit_date").notNull(),
    kind: text("kind", { enum: VISIT_KINDS }).notNull(),
    /** the latest version's full content (methods, items, topic checks, findings, good practice) */
    data: text("data").notNull(),
    version: integer("version").notNull().default(1),
    submittedBy: text("submitted_by").notNull(),
    onBehalf: integer("on_behalf", { mode: "boolean" }).notNull().default(false),
    /** idempotency key of the submission that created it (double clicks) */
    submissionKey: text("submission_key").notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex("reports_assignment_unique").on(t.assignmentId),
    uniqueIndex("reports_submission_unique").on(t.submissionKey),
    index("reports_week_idx").on(t.week),
    index("reports_school_idx").on(t.schoolCode, t.visitDate),
  ],
);

export const reportVersions = sqliteTable(
  "report_versions",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    reportId: integer("report_id").notNull(),
    version: integer("version").notNull(),
    data: text("data").notNull(),
    submittedBy: text("submitted_by").notNull(),
    onBehalf: integer("on_behalf", { mode: "boolean" }).notNull().default(false),
    submittedAt: integer("submitted_at").notNull(),
  },
  (t) => [uniqueIndex("report_versions_unique").on(t.reportId, t.version)],
);

export const SEVERITIES = ["minor", "general", "serious"] as const;

export const problems = sqliteTable(
  "problems",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    reportId: integer("report_id").notNull(),
    schoolCode: text("school_code").notNull(),
    week: text("week").notNull(),
    item: text("item").notNull(),
    topic: text("topic"),
    description: text("description").notNull(),
    severity: text("severity", { enum: SEVERITIES }).notNull(),
    fixedOnSpot: integer("fixed_on_spot", { mode: "boolean" }).notNull(),
    deadline: text("deadline"),
    /** the rectification item (an order of kind `rectification_item`) that tracks it */
    orderId: integer("order_id"),
    createdAt: createdAt(),
  },
  (t) => [index("problems_report_idx").on(t.reportId), index("problems_week_idx").on(t.week)],
);

// ---------------------------------------------------------------- supervision orders

// the orders' vocabulary is the domain's (domain/orders.ts); re-exported for the storage layer's users
export { ORDER_KINDS, ORDER_STATUSES, type OrderKind, type OrderStatus } from "../domain/orders.ts";

/** One order per school: issuing to three schools makes three numbered orders. */
export const orders = sqliteTable(
  "orders",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    number: text("number").notNull(),
    /** the issuing office ('' without offices); numbers run per office, kind and year */
    officeCode: text("office_code").notNull().default(""),
    kind: text("kind", { enum: ORDER_KINDS }).notNull(),
    year: integer("year").notNull(),
    seq: integer("seq").notNull(),
    schoolCode: text("school_code").notNull(),
    text: text("text").notNull(),
    dueDate: text("due_date").notNull(),
    status: text("status", { enum: ORDER_STATUSES }).notNull().default("issued"),
    issuedBy: text("issued_by").notNull(),
    issuedAt: integer("issued_at").notNull(),
    /** set for rectification items born from a visit report's problem */
    problemId: integer("problem_id"),
    acknowledgedAt: integer("acknowledged_at"),
    reportedAt: integer("reported_at"),
    closedAt: integer("closed_at"),
    remindedForDue: text("reminded_for_due"),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex("orders_number_unique").on(t.number),
    uniqueIndex("orders_office_kind_year_seq").on(t.officeCode, t.kind, t.year, t.seq),
    index("orders_status_due_idx").on(t.status, t.dueDate),
    index("orders_school_idx").on(t.schoolCode),
  ],
);

/** Per (kind, year) sequence of the numbers before offices; superseded by `order_sequences` (copied there by migration). */
export const orderCounters = sqliteTable(
  "order_counters",
  {
    kind: text("kind").notNull(),
    year: integer("year").notNull(),
    lastSeq: integer("last_seq").notNull(),
  },
  (t) => [primaryKey({ columns: [t.kind, t.year] })],
);

/** Per (office, kind, year) sequence ('' = no offices); incremented in one statement so concurrent issues never share a number. */
export const orderSequences = sqliteTable(
  "order_sequences",
  {
    officeCode: text("office_code").notNull(),
    kind: text("kind").notNull(),
    year: integer("year").notNull(),
    lastSeq: integer("last_seq").notNull(),
  },
  (t) => [primaryKey({ columns: [t.officeCode, t.kind, t.year] })],
);

/** Append-only audit trail of every order change. */
export const orderEvents = sqliteTable(
  "order_events",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    orderId: integer("order_id").notNull(),
    at: integer("at").notNull(),
    actorCode: text("actor_code").notNull(),
    action: text("action").notNull(),
    note: text("note"),
    data: text("data"),
  },
  (t) => [index("order_events_order_idx").on(t.orderId, t.at)],
);

export const extensionRequests = sqliteTable(
  "extension_requests",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    orderId: integer("order_id").notNull(),
    requestedBy: text("requested_by").notNull(),
    requestedDue: text("requested_due").notNull(),
    reason: text("reason").notNull(),
    status: text("status", { enum: ["pending", "approved", "denied"] }).notNull().default("pending"),
    decidedBy: text("decided_by"),
    decidedAt: integer("decided_at"),
    createdAt: createdAt(),
  },
  (t) => [index("extension_requests_order_idx").on(t.orderId)],
);

// ---------------------------------------------------------------- digest

/** One row per digest sent (scope `office`, `zone:<code>`), so the Monday job is idempotent. */
export const digests = sqliteTable(
  "digests",
  {
    week: text("week").notNull(),
    scope: text("scope").notNull(),
    sentAt: integer("sent_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.week, t.scope] })],
);

// ---------------------------------------------------------------- photo bytes to delete

/**
 * R2 originals no photo row refers to any more, waiting to be deleted (jobs/photo-retention.ts): `marked` when
 * retention deleted their last row; a receive of the same bytes removes the mark; the sweep a grace period later
 * claims a mark still unreferenced (`deleting`), deletes the object, then the mark. A receive that finds its key
 * `deleting` stores its bytes under a key of its own.
 */
export const photoDeletions = sqliteTable("photo_deletions", {
  r2Key: text("r2_key").primaryKey(),
  state: text("state", { enum: ["marked", "deleting"] }).notNull(),
  markedAt: integer("marked_at").notNull(),
});

// ---------------------------------------------------------------- scheduled jobs

/**
 * The weekly jobs' runs (mark_missed, weekly_plan, weekly_digest, report_reminders) by the ISO week they
 * work on: `done` once a run committed, `failed` (with the error) when it threw. The 5-minute cron reruns
 * a job due this week and not `done` (jobs/runner.ts, domain/jobs.ts).
 */
export const jobRuns = sqliteTable(
  "job_runs",
  {
    job: text("job").notNull(),
    period: text("period").notNull(),
    state: text("state", { enum: ["done", "failed"] }).notNull(),
    attempts: integer("attempts").notNull().default(1),
    outcome: text("outcome"),
    lastError: text("last_error"),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.job, t.period] })],
);


// ---------------------------------------------------------------- roster imports

export const ROSTER_IMPORT_STATUSES = ["done", "pending", "confirmed", "discarded"] as const;

/**
 * Every roster import: who, when, which file (name and SHA-256), what changed. A people.csv import that
 * would remove people is `pending` until an admin confirms the deactivation of `pending_codes` (JSON array).
 */
export const rosterImports = sqliteTable(
  "roster_imports",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    at: integer("at").notNull(),
    actorCode: text("actor_code").notNull(),
    kind: text("kind").notNull(),
    fileName: text("file_name").notNull(),
    fileHash: text("file_hash").notNull(),
    added: integer("added").notNull().default(0),
    updated: integer("updated").notNull().default(0),
    deactivated: integer("deactivated").notNull().default(0),
    status: text("status", { enum: ROSTER_IMPORT_STATUSES }).notNull().default("done"),
    pendingCodes: text("pending_codes"),
    decidedBy: text("decided_by"),
    decidedAt: integer("decided_at"),
  },
  (t) => [index("roster_imports_at_idx").on(t.at)],
);

// ---------------------------------------------------------------- photo evidence

export const PHOTO_SUBJECTS = ["report", "order", "held"] as const;
export type PhotoSubjectKind = (typeof PHOTO_SUBJECTS)[number];
export const PHOTO_STATES = ["attached", "held", "refused"] as const;

/**
 * Photos people send in the direct chat: the bytes live in R2 under `r2_key`
 * (content-addressed, `photos/<sha256>`), the metadata here. A photo is
 * attached to a visit report or an order, or held for its sender until they
 * choose one; refused photos (too large, over the limit, not an image) keep a
 * row without bytes so the batch's answer can say so.
 */
export const photos = sqliteTable(
  "photos",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    /** `report:<id>` | `order:<id>` | `held:<person code>` + `:` + sha256; refused: `refused:<message_id>:<file_key>` — one row per photo per place */
    dedupeKey: text("dedupe_key").notNull(),
    subjectKind: text("subject_kind", { enum: PHOTO_SUBJECTS }).notNull(),
    /** the report's or order's id; null while held */
    subjectId: integer("subject_id"),
    state: text("state", { enum: PHOTO_STATES }).notNull(),
    /** too_large | limit | not_image */
    refusal: text("refusal"),
    senderCode: text("sender_code").notNull(),
    messageId: text("message_id").notNull(),
    /** the image_key in the sender's message (usable only to download it) */
    fileKey: text("file_key").notNull(),
    sha256: text("sha256").notNull(),
    size: integer("size").notNull(),
    contentType: text("content_type").notNull(),
    r2Key: text("r2_key"),
    /** the image_key the bot uploaded (im/v1/images) to show it in cards; cached */
    imageKey: text("image_key"),
    receivedAt: integer("received_at").notNull(),
    /** when the batch answer that counted it was queued */
    answeredAt: integer("answered_at"),
  },
  (t) => [
    uniqueIndex("photos_dedupe_unique").on(t.dedupeKey),
    uniqueIndex("photos_message_file_unique").on(t.messageId, t.fileKey),
    index("photos_subject_idx").on(t.subjectKind, t.subjectId),
    index("photos_sender_idx").on(t.senderCode, t.answeredAt),
    index("photos_received_idx").on(t.receivedAt),
    index("photos_sha256_idx").on(t.sha256),
  ],
);

// ---------------------------------------------------------------- the public nameplate page (挂牌督导公示)

/**
 * A school's public page token: the random path segment printed as a QR code on the nameplate. Issuing a new
 * one revokes the old (revoked_at set); an unknown or revoked token is a plain 404.
 */
export const nameplateTokens = sqliteTable(
  "nameplate_tokens",
  {
    token: text("token").primaryKey(),
    schoolCode: text("school_code").notNull(),
    issuedBy: text("issued_by").notNull(),
    issuedAt: integer("issued_at").notNull(),
    revokedAt: integer("revoked_at"),
  },
  (t) => [index("nameplate_tokens_school_idx").on(t.schoolCode, t.revokedAt)],
);

/**
 * What the public sent from a school's page. Personal data: `sender_phone` (and the name) are shown only to
 * the school's supervisor and the managers in scope, never logged.
 */
export const feedback = sqliteTable(
  "feedback",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    /** the reference number the sender is given */
    reference: text("reference").notNull(),
    schoolCode: text("school_code").notNull(),
    kind: text("kind", { enum: FEEDBACK_KINDS }).notNull(),
    text: text("text").notNull(),
    senderName: text("sender_name"),
    senderPhone: text("sender_phone"),
    receivedAt: integer("received_at").notNull(),
    /** new → accepted (受理) → replied (回复: `reply` is what the sender sees under the reference number) */
    status: text("status", { enum: FEEDBACK_STATUSES }).notNull().default("new"),
    reply: text("reply"),
    handledBy: text("handled_by"),
    handledAt: integer("handled_at"),
    /** unanswered after 2 working days: the supervisor was reminded (daily job); after 5: the office's managers got it */
    remindedAt: integer("reminded_at"),
    escalatedAt: integer("escalated_at"),
  },
  (t) => [uniqueIndex("feedback_reference_unique").on(t.reference), index("feedback_school_idx").on(t.schoolCode, t.receivedAt)],
);
