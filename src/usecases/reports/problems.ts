/** A submission's problems: their rows, the rectification items of those not fixed on the spot, and the serious-problem alerts to the managers. */
import type { Services } from "../services.ts";
import { managersInChain } from "../../db/people.ts";
import { problemStatements } from "../../db/report-writes.ts";
import type { ProblemInput, ReportContent } from "../../domain/report-form.ts";
import { card, escapeMarkdown, markdown } from "../../feishu/cards/kit.ts";
import { problemItemLabel } from "../../feishu/cards/report-card.ts";
import { messages, type Messages } from "../../i18n/index.ts";
import { issueOrders } from "../orders.ts";

export interface ProblemsInput {
  reportId: number;
  firstId: number;
  /** how many problems the report already has (numbers the alerts) */
  already: number;
  schoolCode: string;
  schoolName: string;
  supervisorName: string;
  week: string;
  content: ReportContent;
  issuedBy: string;
}

/** Queues the problems, their rectification items and the serious-problem alerts. */
export async function queueProblems(services: Services, input: ProblemsInput): Promise<void> {
  const { problems } = input.content;
  if (!problems.length) return;
  services.uow.write(
    ...problemStatements(services.d1, { reportId: input.reportId, firstId: input.firstId, schoolCode: input.schoolCode, week: input.week, topic: input.content.topic, problems }, services.nowMs),
  );
  const open = problems.map((p, i) => ({ p, id: input.firstId + i })).filter(({ p }) => !p.fixedOnSpot && p.deadline);
  if (open.length) {
    await issueOrders(services, {
      kind: "rectification_item",
      schoolCodes: open.map(() => input.schoolCode),
      dueDate: open[0]!.p.deadline!,
      dueDates: open.map(({ p }) => p.deadline),
      text: open[0]!.p.description,
      texts: open.map(({ p }) => p.description),
      issuedByCode: input.issuedBy,
      problemIds: open.map(({ id }) => id),
    });
  }
  const serious = problems.map((p, i) => ({ p, n: input.already + i + 1 })).filter(({ p }) => p.severity === "serious");
  if (serious.length) {
    const managers = await managersInChain(services.db, { schoolCode: input.schoolCode });
    for (const manager of managers) {
      const mt = messages(manager.lang);
      for (const { p, n } of serious) services.uow.send(seriousAlert(mt, manager.code, manager.openId!, input, p, n));
    }
  }
}

/** A short stable hash (FNV-1a) of a problem's item and description, whitespace and width folded. */
function problemFingerprint(problem: ProblemInput): string {
  const text = `${problem.item}\u0000${problem.description.normalize("NFKC").replace(/\s+/g, " ").trim()}`;
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return hash.toString(16).padStart(8, "0");
}

function seriousAlert(
  t: Messages,
  managerCode: string,
  openId: string,
  input: { reportId: number; schoolName: string; supervisorName: string; content: ReportContent },
  problem: ProblemInput,
  n: number,
) {
  const r = t.reports;
  return {
    // Named by what the problem is, not by its place: the same serious problem entered again in an edit alerts no one twice.
    key: `problem:${input.reportId}:serious:${problemFingerprint(problem)}:${managerCode}`,
    to: { openId },
    msgType: "interactive" as const,
    content: card({
      title: r.seriousTitle,
      template: "red",
      elements: [
        markdown(
          r.seriousAlert({
            school: escapeMarkdown(input.schoolName),
            supervisor: escapeMarkdown(input.supervisorName),
            date: input.content.visitDate,
            item: escapeMarkdown(problemItemLabel(t, problem.item, input.content.topic)),
            description: escapeMarkdown(problem.description),
            outcome: problem.fixedOnSpot ? r.fixedOnSpot : r.deadlineOutcome(problem.deadline ?? "", null),
          }),
        ),
      ],
    }),
  };
}
