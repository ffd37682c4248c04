import { FEEDBACK_MAX_REPLY, type FeedbackInput } from "../../domain/nameplate.ts";
import type { Messages } from "../../i18n/index.ts";
import { button, card, columns, divider, escapeMarkdown, markdown, plainText, type Card, type CardElement } from "./kit.ts";

export interface FeedbackState {
  status: "new" | "accepted" | "replied";
  reply: string | null;
  handledByName: string | null;
}

/**
 * Feedback from a school's public page, to the school's supervisor: 受理, 转为核查走访 (the 补报 form of kind 举报核查),
 * 转交督导室, and a short 回复 the sender sees on the page under the reference number. The sender's text, name and telephone are the public's: escaped, so they can
 * neither format nor mention anyone.
 */
export function feedbackCard(t: Messages, schoolName: string, reference: string, input: FeedbackInput, receivedAt: string, state: FeedbackState = { status: "new", reply: null, handledByName: null }, title?: { text: string; template: "orange" | "red" }): Card {
  const n = t.schools.nameplate;
  const status: CardElement[] = state.status === "new" ? [] : [markdown(n.cardStatus(n.statuses[state.status], escapeMarkdown(state.handledByName ?? "")))];
  const reply: CardElement[] = state.reply ? [markdown(n.cardReply(escapeMarkdown(state.reply)))] : [];
  const accept: CardElement[] = state.status === "new" ? [button({ text: n.accept, type: "primary", value: { action: "feedback_accept", ref: reference } })] : [];
  const forward = button({ text: n.forward, value: { action: "feedback_forward", ref: reference } });
  const visit = button({ text: n.toVisit, value: { action: "feedback_visit", ref: reference } });
  const form: CardElement = {
    tag: "form",
    name: "feedback_form",
    elements: [
      {
        tag: "input",
        name: "reply",
        required: true,
        input_type: "multiline_text",
        rows: 2,
        max_length: FEEDBACK_MAX_REPLY,
        label: plainText(n.replyLabel),
        placeholder: plainText(n.replyPlaceholder),
      },
      button({ text: n.replySubmit, name: "feedback_reply_submit", formAction: "submit", value: { action: "feedback_reply", ref: reference } }),
    ],
  };
  return card({
    title: title?.text ?? n.cardTitle(schoolName),
    template: title?.template ?? (input.kind === "problem" ? "orange" : input.kind === "praise" ? "green" : "blue"),
    elements: [
      markdown(n.cardMeta(reference, n.kinds[input.kind], receivedAt)),
      markdown(escapeMarkdown(input.text)),
      divider(),
      markdown(n.cardSender(escapeMarkdown(input.name ?? n.anonymous), escapeMarkdown(input.phone ?? n.anonymous))),
      ...status,
      ...reply,
      columns([...accept.map((b) => [b]), [visit], [forward]]),
      form,
      markdown(n.cardFooter),
    ],
  });
}
