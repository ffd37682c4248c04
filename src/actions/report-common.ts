/** What the report card actions share: the text of a refusal and of a form error, in the reader's language. */
import type { Actor } from "../domain/people.ts";
import type { FormError } from "../domain/report-form.ts";
import type { CardAnswer } from "../feishu/payloads.ts";
import type { Messages } from "../i18n/index.ts";
import { reportRefusal } from "../usecases/policy.ts";
import type { OpenRefusal } from "../usecases/reports/open.ts";
import type { SubmitRefusal } from "../usecases/reports/submit.ts";

export const error = (content: string): CardAnswer => ({ toast: { type: "error", content } });

/** The toast text of a refused report action. */
export function refusalText(t: Messages, actor: Actor, refusal: SubmitRefusal | OpenRefusal): string {
  const r = t.reports;
  switch (refusal.reason) {
    case "assignment-gone":
      return r.assignmentGone;
    case "assignment-cancelled":
      return r.assignmentCancelled;
    case "assignment-moved":
      return r.assignmentMoved(refusal.movedToWeek);
    case "not-yours":
      return reportRefusal(t, actor, refusal.schoolName, r.notYours);
    case "not-your-report":
      return reportRefusal(t, actor, refusal.schoolName, r.notYourReport);
    case "unknown-school":
      return r.reportUnknownSchool(refusal.schoolCode);
    case "form":
      return formErrorText(t, refusal.error);
    case "already-reported":
      return r.alreadyReported;
    case "stale-version":
      return r.staleVersion;
    case "digest-sent":
      return r.digestSent;
    case "conflict":
      return r.conflict;
    case "report-gone":
      return r.reportGone;
  }
}

/** The toast text of the first form error, with the field's name in the reader's language. */
export function formErrorText(t: Messages, e: FormError): string {
  const r = t.reports;
  const fieldName = (field: string): string => {
    if (r.fieldNames[field]) return r.fieldNames[field]!;
    const [prefix, ...rest] = field.split("_");
    const key = rest.join("_");
    if (prefix === "m") return r.methodCountField((r.methods as Record<string, string>)[key] ?? key);
    if (prefix === "item") return (r.items as Record<string, string>)[key] ?? key;
    if (prefix === "note") return r.noteField((r.items as Record<string, string>)[key] ?? key);
    if (prefix === "tc") return r.topicChecks[key] ?? key;
    const slot = /^p(\d)_(\w+)$/.exec(field);
    if (slot) return `${r.problemSlot(Number(slot[1]))} · ${{ item: r.problemItem, desc: r.problemDesc, severity: r.problemSeverity, fixed: r.problemFixed, deadline: r.problemDeadline }[slot[2]!] ?? slot[2]}`;
    return field;
  };
  switch (e.code) {
    case "outdated":
      return r.outdatedCard;
    case "missing":
      return r.errorMissing(fieldName(e.field));
    case "too_long":
      return r.errorTooLong(fieldName(e.field), e.max);
    case "bad_value":
      return r.errorBadValue(fieldName(e.field));
    case "both_lists":
      return r.errorBothLists(
        (r.items as Record<string, string>)[e.value] ?? r.topicChecks[e.value] ?? e.value,
      );
    case "date_window":
      return r.errorDateWindow(e.from, e.to);
    case "no_method":
      return r.errorNoMethod;
    case "problem_missing":
      return r.errorProblemMissing(e.slot, { item: r.problemItem, severity: r.problemSeverity, deadline: r.problemDeadline, description: r.problemDesc }[e.field]);
    case "deadline_window":
      return r.errorDeadlineWindow(e.slot, e.from, e.to);
  }
}
