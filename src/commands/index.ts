import type { Role } from "../db/schema.ts";
import { help } from "./help.ts";
import { report } from "./report.ts";
import type { Command } from "./types.ts";
import { outbox } from "./outbox.ts";
import { whoami } from "./whoami.ts";
import { week } from "./week.ts";
import { plan } from "./plan.ts";
import { leave } from "./leave.ts";
import { move } from "./move.ts";
import { calendar } from "./calendar.ts";
import { topics } from "./topics.ts";
import { digest } from "./digest.ts";

/** Every chat command, in the order help lists them. Add a feature's commands here, one file each. */
export const commands: readonly Command[] = [
  help,
  whoami,
  week, plan, leave, move, calendar, topics,
  report,
  digest,
  outbox,
];

export function mayUse(command: Command, role: Role): boolean {
  if (!command.roles) return true;
  return command.roles.includes(role) || (role === "admin" && command.roles.includes("manager"));
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
