/**
 * What the buttons of a public feedback's card do: the feedback they name (only for its school's supervisor and
 * the managers in scope, never the school's contact), accepting it, replying, forwarding it up the office chain,
 * and the 举报核查 form that turns it into a check visit.
 */
import type { Services } from "./services.ts";
import { acceptFeedback as acceptStatement, feedbackByReference, replyFeedback as replyStatement, type FeedbackRecord } from "../db/feedback.ts";
import { isManager, managersInChain, type Actor } from "../db/people.ts";
import { maySeeSchool } from "../domain/school-access.ts";
import { messages, type Messages } from "../i18n/index.ts";
import { feedbackRecordCard } from "./feedback.ts";
import { extraFormCard } from "./reports/cards.ts";

/** The feedback by its reference, if the actor may see it; null otherwise (unknown, or not theirs). */
export async function feedbackForActor(services: Services, actor: Actor, reference: string): Promise<{ ok: true; feedback: FeedbackRecord } | { ok: false; reason: "expired" | "stranger" }> {
  const feedback = await feedbackByReference(services.d1, reference);
  if (!feedback) return { ok: false, reason: "expired" };
  // a school's contact must not see (or answer) what the public said about the school, nor the sender's telephone
  if (actor.role === "school_contact" || !maySeeSchool(actor, { ...feedback, code: feedback.schoolCode })) return { ok: false, reason: "stranger" };
  return { ok: true, feedback };
}

/** 受理: a new feedback becomes accepted by the actor; the feedback as it will stand (unchanged if it was not new). */
export function acceptFeedback(services: Services, input: { actor: Actor; feedback: FeedbackRecord }): { changed: boolean; feedback: FeedbackRecord } {
  const { actor, feedback } = input;
  if (feedback.status !== "new") return { changed: false, feedback };
  services.uow.write(acceptStatement(services.d1, feedback.reference, actor.code, services.nowMs));
  return { changed: true, feedback: { ...feedback, status: "accepted", handledByName: actor.name } };
}

/** 回复: the reply (already checked) stored; the feedback as it will stand. */
export function replyToFeedback(services: Services, input: { actor: Actor; feedback: FeedbackRecord; reply: string }): FeedbackRecord {
  const { actor, feedback, reply } = input;
  services.uow.write(replyStatement(services.d1, feedback.reference, reply, actor.code, services.nowMs));
  return { ...feedback, status: "replied", reply, handledByName: actor.name };
}

/** 转交督导室: the feedback's card to each manager of the school's office chain but the actor, in their language; how many. */
export async function forwardFeedback(services: Services, input: { actor: Actor; feedback: FeedbackRecord }): Promise<number> {
  const { actor, feedback } = input;
  const managers = (await managersInChain(services.db, { schoolCode: feedback.schoolCode })).filter((manager) => manager.code !== actor.code);
  for (const manager of managers) {
    services.uow.send({
      key: `feedback-forward:${feedback.reference}:${manager.code}`,
      to: { openId: manager.openId! },
      msgType: "interactive",
      content: feedbackRecordCard(messages(manager.lang), services.config.TIMEZONE, feedback),
    });
  }
  return managers.length;
}

/**
 * 转为核查走访: the 补报 form of kind 举报核查 for the feedback's school, to the actor's direct chat (in `t`, their
 * language). Its form id is the feedback's reference: one check visit per feedback. For the school's supervisor or a manager.
 */
export function sendCheckVisitForm(services: Services, input: { actor: Actor; t: Messages; feedback: FeedbackRecord; eventId: string }): boolean {
  const { actor, feedback } = input;
  if (!isManager(actor) && !(actor.role === "supervisor" && feedback.supervisorCode === actor.code)) return false;
  const form = extraFormCard(services, input.t, { code: feedback.schoolCode, name: feedback.schoolName }, `feedback:${feedback.reference}`, null, "complaint");
  services.uow.send({ key: `feedback-visit:${feedback.reference}:${actor.code}:${input.eventId}`, to: { openId: actor.openId }, msgType: "interactive", content: form });
  return true;
}

export type { FeedbackRecord } from "../db/feedback.ts";
