/** The 「设为…周报群」 button on the card posted when the bot joins a group (events/bot-added.ts). */
import { BIND_DIGEST_GROUP_ACTION, boundCard, CHAT_NAME_MAX } from "../feishu/cards/digest-group-card.ts";
import { bindDigestGroup } from "../usecases/digest-groups.ts";
import { toast } from "./order-common.ts";
import type { CardActionHandler } from "./types.ts";

const CHAT_ID = /^oc_[A-Za-z0-9_-]{1,100}$/;

/**
 * `digest_group_bind` ({ chat, name }): an office's manager or admin makes the group the digest group of their own
 * office; anyone else is refused with a toast and nothing changes. The card then says which office and who.
 */
export const digestGroupBind: CardActionHandler = {
  name: BIND_DIGEST_GROUP_ACTION,
  // the presser's own office, whichever group: no office rule beyond having a valid one
  policy: { acts: "office", roles: ["manager", "admin"], reach: "any" },
  roleRefusal: (t) => t.offices.bindRefused,
  async run(ctx) {
    const { t, actor } = ctx;
    const chat = ctx.value.chat;
    if (typeof chat !== "string" || !CHAT_ID.test(chat)) return toast("error", t.common.cardExpired);
    if (!actor) return toast("error", t.offices.bindRefused);
    const name = typeof ctx.value.name === "string" ? ctx.value.name.slice(0, CHAT_NAME_MAX) : "";
    const outcome = bindDigestGroup(ctx, actor, t, chat, name);
    if (outcome.kind === "refused") return toast("error", t.offices.bindRefused);
    return { ...toast("success", t.offices.bound(outcome.office, actor.name)), card: { type: "raw", data: boundCard(t, outcome.office, actor.name) } };
  },
};
