import type { Role } from "../domain/people.ts";
import { allowsRole, type Policy } from "../domain/policy.ts";
import { calendar } from "./calendar.ts";
import { digest } from "./digest.ts";
import { digestGroupBindCommand } from "./digest-group-bind.ts";
import { documentCommand } from "./document.ts";
import { exportCsv } from "./export.ts";
import { helpCommand } from "./help.ts";
import { leave } from "./leave.ts";
import { move } from "./move.ts";
import { nameplate } from "./nameplate.ts";
import { orderCancel } from "./order-cancel.ts";
import { orderClose } from "./order-close.ts";
import { orderExtend } from "./order-extend.ts";
import { bulletinIssue, noticeIssue, orderIssue, rectifyIssue } from "./order-issue.ts";
import { orderReopen } from "./order-reopen.ts";
import { orderShow } from "./order-show.ts";
import { ordersList } from "./orders-list.ts";
import { outbox } from "./outbox.ts";
import { plan } from "./plan.ts";
import { report } from "./report.ts";
import { rosterLog } from "./roster-log.ts";
import { school } from "./school.ts";
import { rosterTemplate } from "./roster-template.ts";
import { stats } from "./stats.ts";
import { topics } from "./topics.ts";
import type { Command } from "./types.ts";
import { week } from "./week.ts";
import { whoami } from "./whoami.ts";

/** Every chat command, in the order help lists them. Add a feature's commands here, one file each. */
export const commands: readonly Command[] = [
  helpCommand((role) => commandsFor(role)),
  whoami,
  // weekly visits
  week,
  report,
  leave,
  move,
  plan,
  calendar,
  topics,
  // supervision orders
  orderIssue,
  noticeIssue,
  bulletinIssue,
  rectifyIssue,
  orderShow,
  ordersList,
  orderClose,
  orderReopen,
  orderExtend,
  orderCancel,
  documentCommand,
  // a school's file
  school,
  nameplate,
  // office
  digest,
  digestGroupBindCommand,
  stats,
  exportCsv,
  rosterTemplate,
  outbox,
  rosterLog,
];

/** The command's declared policy; an entry without one (a defect test/unit/policy.test.ts catches) is read from its old fields. */
export function policyOf(command: Command): Policy {
  return command.policy ?? { acts: "self", roles: command.roles ?? "everyone", reach: command.officeScoped ? "scope" : "any" };
}

export function mayUse(command: Command, role: Role): boolean {
  return allowsRole(policyOf(command), role);
}

export function commandsFor(role: Role): Command[] {
  return commands.filter((command) => mayUse(command, role));
}

const byName = new Map<string, Command>();
for (const command of commands) {
  for (const name of [command.name, ...command.aliases]) byName.set(name.toLowerCase(), command);
}

export function findCommand(name: string): Command | undefined {
  return byName.get(name.toLowerCase());
}

export function allCommandNames(role: Role): string[] {
  return commandsFor(role).flatMap((command) => [command.name, ...command.aliases]);
}
