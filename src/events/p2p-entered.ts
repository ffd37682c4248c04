import type { Services } from "../commands/types.ts";
import { p2pChatEnteredSchema, type Envelope } from "../feishu/payloads.ts";
import { welcomeOnFirstVisit } from "../usecases/chat-events.ts";

/**
 * `im.chat.access_event.bot_p2p_chat_entered_v1`: the first time a person opens the bot's chat they get one
 * welcome card (who they are, what they will do, the menu); later openings get nothing. Someone not on the
 * roster gets one short answer a day (in the office's time zone) with their own open_id to give their office.
 */
export async function onP2pChatEntered(services: Services, envelope: Envelope): Promise<string> {
  const parsed = p2pChatEnteredSchema.safeParse(envelope.event);
  if (!parsed.success) return "ignored_bad_event";
  const result = await welcomeOnFirstVisit(services, parsed.data.operator_id.open_id);
  if (result.ok) return result.welcomed === "stranger" ? "stranger" : "welcomed";
  return result.reason === "stranger-answered-today" ? "ignored_stranger_answered_today" : "ignored_welcomed";
}
