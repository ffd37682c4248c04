import { VERIFICATION_TOKEN } from "./worker.ts";

/**
 * Envelopes of the events besides messages, shaped as Feishu's event pages show them (机器人自定义菜单事件,
 * 用户进入与机器人的会话, 机器人进群, 机器人被移出群): schema 2.0, the header, and the event's own fields.
 */
function envelope(eventType: string, eventId: string, event: Record<string, unknown>) {
  return {
    schema: "2.0",
    header: { event_id: eventId, event_type: eventType, create_time: String(Date.now()), token: VERIFICATION_TOKEN, app_id: "cli_test_app", tenant_key: "tenant_test" },
    event,
  };
}

const userId = (openId: string) => ({ union_id: `on_${openId}`, user_id: null, open_id: openId });

export function botMenuEvent(eventId: string, openId: string, eventKey: string, operatorName = "张三") {
  return envelope("application.bot.menu_v6", eventId, {
    operator: { operator_name: operatorName, operator_id: userId(openId) },
    event_key: eventKey,
    timestamp: Math.floor(Date.now() / 1000),
  });
}

export function p2pChatEnteredEvent(eventId: string, openId: string) {
  return envelope("im.chat.access_event.bot_p2p_chat_entered_v1", eventId, {
    chat_id: `oc_p2p_${openId}`,
    operator_id: userId(openId),
    last_message_id: "om_dc13264520392913993dd051dba21dcf",
    last_message_create_time: String(Date.now() - 60_000),
  });
}

export function botMembershipEvent(kind: "added" | "deleted", eventId: string, chatId: string, operatorOpenId: string, name: string, external = false) {
  return envelope(`im.chat.member.bot.${kind}_v1`, eventId, {
    chat_id: chatId,
    operator_id: userId(operatorOpenId),
    external,
    operator_tenant_key: "tenant_test",
    name,
    i18n_names: { zh_cn: name, en_us: "", ja_jp: "" },
  });
}
