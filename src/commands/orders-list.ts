/**
 * `orders [open|overdue|closed|all] [zone|school|supervisor]` / `督办单 [未结|逾期|已销号|全部] [责任区|学校|督学]`:
 * counts and a page of orders sorted by due date. Managers see all; supervisors their schools; contacts their school.
 */
import { listOrders, type ListScope } from "../db/orders.ts";
import { schoolRefs } from "../db/people.ts";
import { parseFilter, type OrderFilter } from "../domain/orders.ts";
import { matchSchool } from "../domain/school-match.ts";
import { localDate } from "../domain/time.ts";
import { textContent } from "../feishu/cards/kit.ts";
import { ordersListCard } from "../feishu/cards/order-list.ts";
import type { Command, Services } from "./types.ts";

/** A zone (code or name), a supervisor (code or name) or a school (code, name or unique part of it). */
export async function resolveScope(services: Services, word: string): Promise<ListScope | null> {
  const needle = word.normalize("NFKC").trim();
  const zone = await services.d1
    .prepare("SELECT code, name FROM zones WHERE code = ?1 COLLATE NOCASE OR name = ?1 LIMIT 1")
    .bind(needle)
    .first<{ code: string; name: string }>();
  if (zone) return { kind: "zone", ...zone };
  const supervisor = await services.d1
    .prepare("SELECT code, name FROM people WHERE role = 'supervisor' AND active = 1 AND (code = ?1 COLLATE NOCASE OR name = ?1) LIMIT 2")
    .bind(needle)
    .all<{ code: string; name: string }>();
  if (supervisor.results.length === 1) return { kind: "supervisor", ...supervisor.results[0]! };
  const school = matchSchool(needle, await schoolRefs(services.db));
  if (school.kind === "found") return { kind: "school", code: school.school.code, name: school.school.name };
  return null;
}

export const ordersList: Command = {
  name: "orders",
  aliases: ["督办单", "督导文书", "文书"],
  policy: { acts: "order", roles: "everyone", reach: "scope" },
  private: true,
  help: (t) => t.orders.ordersLine,
  async run(ctx) {
    const { t } = ctx;
    let filter: OrderFilter = "open";
    let scope: ListScope = { kind: "all" };
    const rest: string[] = [];
    for (const word of ctx.argv) {
      const f = parseFilter(word);
      if (f) filter = f;
      else rest.push(word);
    }
    if (rest.length > 0) {
      const found = await resolveScope(ctx, rest.join(" "));
      if (!found) return ctx.reply(textContent(t.orders.unknownScope(rest.join(" "))));
      scope = found;
    }
    const today = localDate(ctx.nowMs, ctx.config.TIMEZONE);
    const list = await listOrders(ctx.d1, ctx.actor, scope, filter, today, 0);
    ctx.reply(ordersListCard(t, list, filter, scope, 0, today, ctx.chat.chatType === "group"));
  },
};
