import type { offices as zh } from "../zh/offices.ts";

export const offices: typeof zh = {
  outOfScope: (names: string) => `These schools are outside your office's scope; nothing was issued: ${names}`,
  orderOutOfScope: (number: string) => `${number} is outside your office's scope.`,
  personOutOfScope: (code: string) => `${code} is outside your office's scope.`,
  zoneOutOfScope: (code: string) => `Zone ${code} is outside your office's scope.`,
  planSendTopOnly: (office: string) => `Sending the plan is city-wide: ask a manager of ${office}. \`plan\` previews your office's visits.`,
  onlyAdmins: (admins: string) => `Only administrators can import roster files.${admins ? ` Please ask: ${admins}.` : ""}`,
  onlyTopAdmins: (file: string) => `${file} can only be imported by an administrator of the top office.`,
  rowOutOfScope: "outside your office's scope",
  lastTopAdmin: (names: string) => `After this import the top office would have no administrator (${names}); nothing was imported. Keep at least one.`,
  deactivateTitle: (count: number) => `Deactivate ${count} people?`,
  deactivateIntro: (file: string, count: number) => `${file} no longer lists these ${count} people. The other changes are imported; once you confirm, they are deactivated (their history stays; a later import can reactivate them):`,
  deactivateLine: (name: string, code: string, role: string, orders: number, visits: number) =>
    `- ${name} (${code}, ${role})${orders || visits ? `: ${orders} open orders, ${visits} planned visits` : ""}`,
  deactivateMore: (count: number) => `… and ${count} more.`,
  deactivateConfirm: "Deactivate",
  deactivateCancel: "Keep them",
  deactivated: (count: number) => `${count} people deactivated.`,
  deactivateDiscarded: "Kept them; nobody was deactivated.",
  deactivateGone: "This import was already decided.",
  roles: { supervisor: "supervisor", manager: "manager", school_contact: "school contact", admin: "administrator" },
  logLine: "`roster log` / `名册记录` — the roster import log (administrators)",
  logTitle: "Roster imports",
  logEmpty: "No roster imports yet.",
  logRow: (at: string, who: string, file: string, hash: string, added: number, updated: number, deactivated: number, status: string) =>
    `- ${at} · ${who} · ${file} (${hash}) · added ${added} · changed ${updated} · deactivated ${deactivated}${status ? ` · ${status}` : ""}`,
  logStatuses: { done: "", pending: "awaiting confirmation", confirmed: "deactivation confirmed", discarded: "not deactivated" },
  scopeWhat: { zone: "zone", school: "school", person: "person" },
  rowOwnedElsewhere: (what: string, code: string, owner: string, importer: string) => `${what} ${code} belongs to 〈${owner}〉 and cannot be changed by 〈${importer}〉`,
  rowMoveNotTop: (what: string, code: string, from: string, to: string, top: string) =>
    `${what} ${code} would move from 〈${from}〉 to 〈${to}〉: only an administrator of 〈${top}〉 moves things between offices`,
  deactivateOutOfScope: (names: string) => `${names} are outside your office's scope; nobody was deactivated.`,
};
