import type { Services } from "../commands/types.ts";
import { insertFeedback, type NameplatePage } from "../db/nameplate.ts";
import { feedbackReference, type FeedbackInput } from "../domain/nameplate.ts";
import { localDate, localDateTime } from "../domain/time.ts";
import { feedbackCard } from "../feishu/cards/feedback-card.ts";
import { messages } from "../i18n/index.ts";

/**
 * Stores a validated feedback and, in the same commit, queues its card to the school's supervisor (the only
 * person, with the office's managers reading the table, who sees the telephone). Returns the reference number.
 */
export async function submitFeedback(services: Services, page: NameplatePage, input: FeedbackInput): Promise<string> {
  const { nowMs, config } = services;
  const reference = feedbackReference(localDate(nowMs, config.TIMEZONE), crypto.getRandomValues(new Uint8Array(6)));
  services.uow.write(insertFeedback(services.d1, reference, page.schoolCode, input, nowMs));
  if (page.supervisorOpenId) {
    const t = messages(page.supervisorLang);
    services.uow.send({
      key: `feedback:${reference}`,
      to: { openId: page.supervisorOpenId },
      msgType: "interactive",
      content: feedbackCard(t, page.schoolName, reference, input, localDateTime(nowMs, config.TIMEZONE)),
    });
  }
  await services.uow.commit();
  return reference;
}
