import type { FeedbackInput } from "../../domain/nameplate.ts";
import type { Messages } from "../../i18n/index.ts";
import { card, divider, escapeMarkdown, markdown, type Card } from "./kit.ts";

/**
 * Feedback from a school's public page, to the school's supervisor. The sender's text, name and telephone are
 * the public's: escaped, so they can neither format nor mention anyone.
 */
export function feedbackCard(t: Messages, schoolName: string, reference: string, input: FeedbackInput, receivedAt: string): Card {
  const n = t.schools.nameplate;
  return card({
    title: n.cardTitle(schoolName),
    template: input.kind === "problem" ? "orange" : input.kind === "praise" ? "green" : "blue",
    elements: [
      markdown(n.cardMeta(reference, n.kinds[input.kind], receivedAt)),
      markdown(escapeMarkdown(input.text)),
      divider(),
      markdown(n.cardSender(escapeMarkdown(input.name ?? n.anonymous), escapeMarkdown(input.phone ?? n.anonymous))),
      markdown(n.cardFooter),
    ],
  });
}
