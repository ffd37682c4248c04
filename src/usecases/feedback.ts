import type { Services } from "./services.ts";
import { insertFeedback, type NameplatePage } from "../db/nameplate.ts";
import type { FeedbackRecord } from "../db/feedback.ts";
import { managersInChain } from "../db/people.ts";
import { feedbackReference, type FeedbackInput } from "../domain/nameplate.ts";
import { localDate, localDateTime } from "../domain/time.ts";
import { feedbackCard } from "../feishu/cards/feedback-card.ts";
import type { Card } from "../feishu/cards/kit.ts";
import { messages, type Messages } from "../i18n/index.ts";

/**
 * Stores a validated feedback and, in the same commit, queues its card to the school's supervisor (or, without
 * one who can receive it, to the managers of the school's office chain): the only people who see the telephone.
 * Returns the reference number.
 */
export async function submitFeedback(services: Services, page: NameplatePage, input: FeedbackInput): Promise<string> {
  const { nowMs, config } = services;
  const reference = feedbackReference(localDate(nowMs, config.TIMEZONE), crypto.getRandomValues(new Uint8Array(6)));
  services.uow.write(insertFeedback(services.d1, reference, page.schoolCode, input, nowMs));
  // a school without a reachable supervisor (none, or no open_id yet): its office's managers get it instead
  const recipients = page.supervisorOpenId
    ? [{ openId: page.supervisorOpenId, lang: page.supervisorLang }]
    : (await managersInChain(services.db, { schoolCode: page.schoolCode })).map((manager) => ({ openId: manager.openId!, lang: manager.lang }));
  for (const recipient of recipients) {
    services.uow.send({
      key: `feedback:${reference}:${recipient.openId}`,
      to: { openId: recipient.openId },
      msgType: "interactive",
      content: feedbackCard(messages(recipient.lang), page.schoolName, reference, input, localDateTime(nowMs, config.TIMEZONE)),
    });
  }
  await services.uow.commit();
  return reference;
}

/** A stored feedback's card, as it stands (status, reply), optionally under a reminder's or an escalation's title. */
export function feedbackRecordCard(t: Messages, timeZone: string, feedback: FeedbackRecord, title?: { text: string; template: "orange" | "red" }): Card {
  return feedbackCard(
    t,
    feedback.schoolName,
    feedback.reference,
    { kind: feedback.kind, text: feedback.text, name: feedback.senderName, phone: feedback.senderPhone },
    localDateTime(feedback.receivedAt, timeZone),
    { status: feedback.status, reply: feedback.reply, handledByName: feedback.handledByName },
    title,
  );
}
