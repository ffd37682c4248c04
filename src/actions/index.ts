import { editReport } from "./edit-report.ts";
import { openReport } from "./open-report.ts";
import { submitReport } from "./submit-report.ts";
import type { CardActionHandler } from "./types.ts";
import { digestGroupBind } from "./digest-group-bind.ts";
import type { Policy } from "../domain/policy.ts";
import { digestZone } from "./digest-zone.ts";
import { rosterDeactivate } from "./roster-deactivate.ts";
import { photoAttach } from "./photo-attach.ts";
import { outboxRetry } from "./outbox-retry.ts";
import { feedbackAccept } from "./feedback-accept.ts";
import { feedbackReply } from "./feedback-reply.ts";
import { feedbackForward } from "./feedback-forward.ts";
import { feedbackVisit } from "./feedback-visit.ts";
import { documentDownload } from "./document-download.ts";
import { orderAck } from "./order-ack.ts"; import { orderReport } from "./order-report.ts"; import { orderExtensionRequest } from "./order-extension-request.ts"; import { orderExtensionDecide } from "./order-extension-decide.ts"; import { orderListPage } from "./order-list-page.ts"; import { orderIssueSubmit } from "./order-issue-submit.ts";

/** Every card action by the `action` name in its button value. Add a feature's actions here, one file each. */
export const cardActions: readonly CardActionHandler[] = [outboxRetry, openReport, submitReport, editReport, orderAck, orderReport, orderExtensionRequest, orderExtensionDecide, orderListPage, orderIssueSubmit, digestZone, rosterDeactivate, photoAttach, digestGroupBind, feedbackAccept, feedbackReply, feedbackForward, feedbackVisit, documentDownload];

const byName = new Map(cardActions.map((handler) => [handler.name, handler]));

export function findCardAction(name: string): CardActionHandler | undefined {
  return byName.get(name);
}

/** The action's declared policy; an entry without one (a defect test/unit/policy.test.ts catches) may be used by anyone on the roster. */
export function policyOfAction(handler: CardActionHandler): Policy {
  return handler.policy ?? { acts: "self", roles: "everyone", reach: "any" };
}
