import { createHash } from "node:crypto";
import { FakeFeishu } from "./fake-feishu.ts";
import { messageEvent, type TestWorker } from "./worker.ts";

/** Bytes that Feishu and the bot read as a JPEG (its magic bytes), distinct per `seed`, `size` long. */
export function jpegBytes(seed: number, size = 2048): Uint8Array {
  const bytes = new Uint8Array(size);
  let state = seed * 2654435761 || 1;
  for (let i = 0; i < size; i++) {
    state = (state * 1103515245 + 12345) >>> 0;
    bytes[i] = state >>> 24;
  }
  bytes.set([0xff, 0xd8, 0xff, 0xe0], 0);
  return bytes;
}

export const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

let counter = 0;

/** Puts the image in the fake (as Feishu holds it for the message) and POSTs the `image` message event; does not wait. */
export async function postImage(worker: TestWorker, openId: string, bytes: Uint8Array, options: { messageId?: string; eventId?: string; imageKey?: string } = {}) {
  const messageId = options.messageId ?? `om_img_${Date.now().toString(36)}_${++counter}`;
  const imageKey = options.imageKey ?? `img_v3_user_${counter}_${Math.random().toString(36).slice(2, 8)}`;
  worker.fake.addMessageImage(messageId, imageKey, bytes);
  const payload = messageEvent({ eventId: options.eventId ?? worker.nextEventId(), messageId, openId, chatType: "p2p", messageType: "image", content: { image_key: imageKey } });
  const response = await worker.post("/feishu/events", payload);
  return { response, messageId, imageKey, payload };
}

/** A rich-text (post) message with text and images, as Feishu delivers it. */
export async function postPost(worker: TestWorker, openId: string, images: Uint8Array[], text = "现场照片") {
  const messageId = `om_post_${Date.now().toString(36)}_${++counter}`;
  const keys = images.map((bytes, i) => {
    const key = `img_v3_post_${counter}_${i}`;
    worker.fake.addMessageImage(messageId, key, bytes);
    return key;
  });
  const content = { title: "", content: [[{ tag: "text", text, style: [] }], ...keys.map((image_key) => [{ tag: "img", image_key }])] };
  const response = await worker.post("/feishu/events", messageEvent({ eventId: worker.nextEventId(), messageId, openId, chatType: "p2p", messageType: "post", content }));
  return { response, messageId, keys };
}

export const toChat = (worker: TestWorker, openId: string, since: number) => worker.fake.messages.slice(since).filter((m) => m.chatId === `oc_p2p_${openId}` || m.receiveId === openId);
export const textOf = FakeFeishu.textOf;
