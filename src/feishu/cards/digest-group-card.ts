import type { Messages } from "../../i18n/index.ts";
import { button, card, escapeMarkdown, markdown, type Card } from "./kit.ts";

export const BIND_DIGEST_GROUP_ACTION = "digest_group_bind";

/** Feishu shows at most 100 characters of a button's text (按钮组件). */
const BUTTON_TEXT_MAX = 100;
/** the group's name travels in the button's value, cut to this, for the listing of digest groups */
export const CHAT_NAME_MAX = 100;

/**
 * Posted in a group when the bot is added: one button makes the group the presser's office's digest group.
 * `office`: the office of whoever added the bot, when known (the button names it); the office bound is the presser's.
 */
export function bindOfferCard(t: Messages, chatId: string, chatName: string, office: string | null): Card {
  const text = t.offices.bindButton(office ?? t.offices.implicitOffice);
  return card({
    title: t.offices.bindOfferTitle,
    template: "turquoise",
    elements: [
      markdown(t.offices.bindOfferIntro),
      button({
        text: text.length > BUTTON_TEXT_MAX ? t.offices.bindButton(t.offices.implicitOffice) : text,
        type: "primary",
        value: { action: BIND_DIGEST_GROUP_ACTION, chat: chatId, name: chatName.slice(0, CHAT_NAME_MAX) },
      }),
    ],
  });
}

/** What the offer card becomes once pressed (shared card: everyone in the group sees it). */
export function boundCard(t: Messages, office: string, byName: string): Card {
  return card({ title: t.offices.boundTitle, template: "green", elements: [markdown(escapeMarkdown(t.offices.bound(office, byName)))] });
}
