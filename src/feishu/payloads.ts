import { z } from "zod";

/** Zod schemas of the Feishu payloads we act on; extra fields pass through untouched. */

export const urlVerificationSchema = z.object({
  type: z.literal("url_verification"),
  challenge: z.string().max(512),
  token: z.string(),
});

export const envelopeSchema = z.object({
  schema: z.literal("2.0"),
  header: z.object({
    event_id: z.string().min(1).max(128),
    event_type: z.string().min(1).max(128),
    token: z.string(),
    create_time: z.string().optional(),
    app_id: z.string().optional(),
    tenant_key: z.string().optional(),
  }),
  event: z.record(z.string(), z.unknown()),
});
export type Envelope = z.infer<typeof envelopeSchema>;

const userIdSchema = z.object({
  open_id: z.string().min(1),
  union_id: z.string().nullish(),
  user_id: z.string().nullish(),
});

export const messageReceivedSchema = z.object({
  sender: z.object({
    sender_id: userIdSchema,
    sender_type: z.string().optional(),
  }),
  message: z.object({
    message_id: z.string().min(1).max(128),
    chat_id: z.string().min(1),
    chat_type: z.enum(["p2p", "group"]).or(z.string()),
    message_type: z.string(),
    content: z.string(),
    mentions: z
      .array(
        z.object({
          key: z.string(),
          name: z.string().optional(),
          id: z.object({ open_id: z.string().optional() }).partial().optional(),
        }),
      )
      .nullish(),
  }),
});
export type MessageReceived = z.infer<typeof messageReceivedSchema>;

export const textContentSchema = z.object({ text: z.string() });
export const fileContentSchema = z.object({
  file_key: z.string().min(1).max(512),
  file_name: z.string().max(512).default(""),
  /** bytes, when the message states it: checked before downloading */
  file_size: z.union([z.number(), z.string()]).optional().transform((size) => (size === undefined || size === "" ? undefined : Number(size))),
});

export const cardActionSchema = z.object({
  operator: userIdSchema,
  token: z.string().optional(),
  action: z.object({
    value: z.record(z.string(), z.unknown()).nullish(),
    tag: z.string().optional(),
    name: z.string().optional(),
    form_value: z.record(z.string(), z.unknown()).nullish(),
    option: z.string().nullish(),
    timezone: z.string().nullish(),
  }),
  context: z
    .object({
      open_message_id: z.string().optional(),
      open_chat_id: z.string().optional(),
    })
    .optional(),
});
export type CardAction = z.infer<typeof cardActionSchema>;

/** What a card callback answers synchronously. */
export interface CardAnswer {
  toast?: { type: "info" | "success" | "warning" | "error"; content: string };
  card?: { type: "raw"; data: unknown };
}

/** `application.bot.menu_v6`: a bot menu item of type "push event" was tapped (机器人自定义菜单事件). */
export const botMenuSchema = z.object({
  operator: z.object({ operator_name: z.string().optional(), operator_id: userIdSchema }),
  event_key: z.string().min(1).max(30),
  timestamp: z.union([z.number(), z.string()]).optional(),
});

/** `im.chat.access_event.bot_p2p_chat_entered_v1`: someone opened the bot's direct chat (用户进入与机器人的会话). */
export const p2pChatEnteredSchema = z.object({
  chat_id: z.string().min(1).max(128),
  operator_id: userIdSchema,
  last_message_id: z.string().optional(),
  last_message_create_time: z.string().optional(),
});

/** `im.chat.member.bot.added_v1` / `im.chat.member.bot.deleted_v1`: the bot joined or left a group (机器人进群 / 机器人被移出群). */
export const botMembershipSchema = z.object({
  chat_id: z.string().regex(/^oc_[A-Za-z0-9_-]{1,100}$/),
  operator_id: userIdSchema.partial().optional(),
  external: z.boolean().optional(),
  operator_tenant_key: z.string().optional(),
  name: z.string().max(200).optional(),
});
