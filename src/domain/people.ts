/** Who uses the bot: the roster's roles and the person acting on a message or a card. */
import type { OfficeScope } from "./offices.ts";

export const ROLES = ["supervisor", "manager", "school_contact", "admin"] as const;
export type Role = (typeof ROLES)[number];

/** Who sent a message or clicked a card: a roster person, or a bootstrap admin from ADMIN_OPEN_IDS. */
export interface Actor {
  code: string;
  name: string;
  role: Role;
  openId: string;
  lang: "zh" | "en";
  zoneCode: string | null;
  schoolCode: string | null;
  /** true for an ADMIN_OPEN_IDS entry acting as admin while the roster has no active admin */
  bootstrap: boolean;
  /** managers and admins: their office (people.csv's 督导室) */
  officeCode: string | null;
  /** false for a manager or admin whose office is empty or unknown while offices exist: refused until it is set (domain/policy.ts) */
  officeValid: boolean;
  /** what a manager may see and act on, resolved once per request (everything for others: their own rules apply) */
  scope: OfficeScope;
}

export const isManager = (actor: Pick<Actor, "role">) => actor.role === "manager" || actor.role === "admin";
