import { AsyncLocalStorage } from "node:async_hooks";
import * as lark from "@larksuiteoapi/node-sdk";
import type { Config } from "../env.ts";
import { fromBase64, XLSX_MIME } from "../xlsx/workbook.ts";
import { FeishuApiError, fetchHttpInstance } from "./client-http.ts";
import { d1TokenCache } from "./client-token-cache.ts";

export { FeishuApiError, fetchHttpInstance, FileTooLargeError } from "./client-http.ts";
export { d1TokenCache } from "./client-token-cache.ts";

const DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

/**
 * The one way out to Feishu: the official SDK's Client, pointed at
 * FEISHU_BASE_URL, speaking through fetch (workerd has no Node http), with the
 * tenant token cached in D1 so every isolate shares it.
 */

export interface OutgoingMessage {
  msgType: "text" | "interactive" | "file" | "image";
  /** the JSON string Feishu expects in `content` */
  content: string;
  uuid: string;
}

const sdkLogger = { error: () => {}, warn: () => {}, info: () => {}, debug: () => {}, trace: () => {} };

/** The signal that aborts the Feishu requests made in this async context (send.ts: a batch's straggler deadline). */
const requestSignal = new AsyncLocalStorage<AbortSignal>();

/** Runs `work` so that every Feishu request it makes is aborted when `signal` aborts. */
export function abortingWith<T>(signal: AbortSignal, work: () => Promise<T>): Promise<T> {
  return requestSignal.run(signal, work);
}

const scopedFetch: typeof fetch = (input, init) => {
  const outer = requestSignal.getStore();
  if (!outer) return fetch(input, init);
  return fetch(input, { ...init, signal: init?.signal ? AbortSignal.any([outer, init.signal]) : outer });
};

/**
 * One SDK Client per isolate, database binding and app: building one walks the SDK's whole API tree,
 * about as much CPU as the send itself (12% of a reply burst's CPU in a workerd profile when every
 * send built its own). Requests carry their per-call abort signal by async context (abortingWith).
 */
const sharedClients = new WeakMap<D1Database, Map<string, { sdk: lark.Client; cache: ReturnType<typeof d1TokenCache> }>>();

function sharedClient(config: Config, d1: D1Database) {
  const byApp = sharedClients.get(d1) ?? new Map<string, { sdk: lark.Client; cache: ReturnType<typeof d1TokenCache> }>();
  sharedClients.set(d1, byApp);
  const key = `${config.FEISHU_APP_ID}\n${config.FEISHU_APP_SECRET}\n${config.FEISHU_BASE_URL}`;
  let client = byApp.get(key);
  if (!client) {
    const cache = d1TokenCache(d1);
    const sdk = new lark.Client({
      appId: config.FEISHU_APP_ID,
      appSecret: config.FEISHU_APP_SECRET,
      appType: lark.AppType.SelfBuild,
      domain: config.FEISHU_BASE_URL,
      httpInstance: fetchHttpInstance(scopedFetch) as unknown as lark.HttpInstance,
      cache,
      logger: sdkLogger,
      loggerLevel: lark.LoggerLevel.error,
    });
    client = { sdk, cache };
    byApp.set(key, client);
  }
  return client;
}

export class FeishuClient {
  readonly sdk: lark.Client;
  private readonly cache: ReturnType<typeof d1TokenCache>;
  private tokenGeneration = 0;
  private refreshing: Promise<void> | undefined;

  /**
   * `resendAfterExpiredToken: false` (the outbox's sends): an invalid-token answer drops the cached token
   * and fails the call, so that its retry takes a rate-limit slot like any other send (an immediate resend
   * of every send in flight would be a burst the limiter never planned).
   */
  constructor(config: Config, d1: D1Database, options: { resendAfterExpiredToken?: boolean } = {}) {
    ({ sdk: this.sdk, cache: this.cache } = sharedClient(config, d1));
    this.resendAfterExpiredToken = options.resendAfterExpiredToken ?? true;
  }

  private readonly resendAfterExpiredToken: boolean;

  /** Runs a call; on an invalid-token answer drops the cached token and tries once more (unless told not to). */
  private async withFreshToken<T>(call: () => Promise<T>): Promise<T> {
    const generation = this.tokenGeneration;
    try {
      return await call();
    } catch (error) {
      if (error instanceof FeishuApiError && error.tokenInvalid) {
        // Concurrent sends that all hit the expired token drop it once, then each retry once.
        if (this.tokenGeneration === generation) {
          this.refreshing ??= this.cache
            .clear()
            .then(() => void this.tokenGeneration++)
            .finally(() => (this.refreshing = undefined));
          await this.refreshing;
        }
        if (!this.resendAfterExpiredToken) throw error;
        return call();
      }
      throw error;
    }
  }

  /**
   * A file message is stored in the outbox as `{ file_name, csv }`, `{ file_name, xlsx_base64 }` or `{ file_name, docx_base64 }`; it is
   * uploaded (`im/v1/files`) right before sending and sent by its file_key.
   */
  private async withUploadedFile(message: OutgoingMessage): Promise<OutgoingMessage> {
    if (message.msgType === "image") return this.withUploadedImage(message);
    if (message.msgType !== "file") return message;
    const stored = JSON.parse(message.content) as { file_name?: string; csv?: string; xlsx_base64?: string; docx_base64?: string; file_key?: string };
    if (stored.file_key || (typeof stored.csv !== "string" && typeof stored.xlsx_base64 !== "string" && typeof stored.docx_base64 !== "string")) return message;
    const fileName = stored.file_name ?? "export.csv";
    // An Excel workbook is stored as base64 (outbox rows are text) and uploaded with Feishu's file_type "xls".
    // A Word document (公文, nameplates) likewise, with file_type "doc" (上传文件 im/v1/files: opus|mp4|pdf|doc|xls|ppt|stream; ≤ 30 MB, not empty).
    const upload =
      typeof stored.docx_base64 === "string"
        ? { fileType: "doc" as const, file: new Blob([fromBase64(stored.docx_base64) as Uint8Array<ArrayBuffer>], { type: DOCX_MIME }) }
        : typeof stored.xlsx_base64 === "string"
        ? { fileType: "xls" as const, file: new Blob([fromBase64(stored.xlsx_base64) as Uint8Array<ArrayBuffer>], { type: XLSX_MIME }) }
        : { fileType: "stream" as const, file: new Blob([stored.csv!], { type: "text/csv" }) };
    const uploaded = await this.withFreshToken(() =>
      this.sdk.im.file.create({ data: { file_type: upload.fileType, file_name: fileName, file: upload.file as never } }),
    );
    if (!uploaded?.file_key) throw new FeishuApiError(200, undefined, "file upload returned no file_key");
    return { ...message, content: JSON.stringify({ file_key: uploaded.file_key }) };
  }

  /** An image message is stored as `{ png_base64 }`; it is uploaded (`im/v1/images`) right before sending and sent by its image_key. */
  private async withUploadedImage(message: OutgoingMessage): Promise<OutgoingMessage> {
    const stored = JSON.parse(message.content) as { png_base64?: string; image_key?: string };
    if (stored.image_key || typeof stored.png_base64 !== "string") return message;
    const imageKey = await this.uploadImage(fromBase64(stored.png_base64).buffer as ArrayBuffer, "image/png");
    return { ...message, content: JSON.stringify({ image_key: imageKey }) };
  }

  async send(receiveIdType: "open_id" | "chat_id", receiveId: string, outgoing: OutgoingMessage): Promise<string | undefined> {
    const message = await this.withUploadedFile(outgoing);
    const response = await this.withFreshToken(() =>
      this.sdk.im.message.create({
        params: { receive_id_type: receiveIdType },
        data: { receive_id: receiveId, msg_type: message.msgType, content: message.content, uuid: message.uuid },
      }),
    );
    return response.data?.message_id;
  }

  async reply(messageId: string, outgoing: OutgoingMessage): Promise<string | undefined> {
    const message = await this.withUploadedFile(outgoing);
    const response = await this.withFreshToken(() =>
      this.sdk.im.message.reply({
        path: { message_id: messageId },
        data: { msg_type: message.msgType, content: message.content, uuid: message.uuid },
      }),
    );
    return response.data?.message_id;
  }

  /** PATCH a sent card (within 14 days of sending). */
  async updateCard(messageId: string, content: string): Promise<void> {
    await this.withFreshToken(() => this.sdk.im.message.patch({ path: { message_id: messageId }, data: { content } }));
  }

  /** Delayed update of a card after a callback, with the callback's token (30 minutes, twice). */
  async delayedCardUpdate(token: string, card: unknown): Promise<void> {
    await this.withFreshToken(() =>
      this.sdk.request({ method: "POST", url: "/open-apis/interactive/v1/card/update", data: { token, card } }),
    );
  }

  /** Downloads a file a user sent (message resource API). */
  async downloadMessageFile(messageId: string, fileKey: string, maxBytes?: number): Promise<ArrayBuffer> {
    const body = await this.withFreshToken(() =>
      this.sdk.request({
        method: "GET",
        url: `/open-apis/im/v1/messages/${encodeURIComponent(messageId)}/resources/${encodeURIComponent(fileKey)}`,
        params: { type: "file" },
        responseType: "arraybuffer",
        ...(maxBytes ? { maxContentLength: maxBytes } : {}),
      }),
    );
    if (!(body instanceof ArrayBuffer)) throw new FeishuApiError(200, undefined, "file download returned no bytes");
    return body;
  }

  /**
   * Downloads an image a user sent, alone or inside a post (message resource API, `type=image`).
   * A body over `maxBytes` is refused while reading (FeishuApiError, status 413).
   */
  async downloadMessageImage(messageId: string, imageKey: string, maxBytes: number): Promise<ArrayBuffer> {
    const body = await this.withFreshToken(() =>
      this.sdk.request({
        method: "GET",
        url: `/open-apis/im/v1/messages/${encodeURIComponent(messageId)}/resources/${encodeURIComponent(imageKey)}`,
        params: { type: "image" },
        responseType: "arraybuffer",
        maxContentLength: maxBytes,
      } as never),
    );
    if (!(body instanceof ArrayBuffer)) throw new FeishuApiError(200, undefined, "image download returned no bytes");
    return body;
  }

  /** Uploads an image for use in messages and cards (`im/v1/images`, image_type=message); returns its image_key. */
  async uploadImage(bytes: ArrayBuffer, contentType: string): Promise<string> {
    const uploaded = await this.withFreshToken(() =>
      this.sdk.im.image.create({ data: { image_type: "message", image: new Blob([bytes], { type: contentType }) as never } }),
    );
    if (!uploaded?.image_key) throw new FeishuApiError(200, undefined, "image upload returned no image_key");
    return uploaded.image_key;
  }

  /**
   * The bot's own open_id (`GET /open-apis/bot/v3/info`, tenant token, no scope; the answer's `bot` sits
   * beside `code`, not under `data`). Undefined when Feishu names none (no bot capability answers an error).
   */
  async botOpenId(): Promise<string | undefined> {
    const body = (await this.withFreshToken(() => this.sdk.request({ method: "GET", url: "/open-apis/bot/v3/info" }))) as { bot?: { open_id?: unknown } } | undefined;
    const openId = body?.bot?.open_id;
    return typeof openId === "string" && openId ? openId : undefined;
  }

  /** open_ids for mobiles and emails; unknown ones are simply absent from the map. */
  async openIdsFor(mobiles: string[], emails: string[]): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    for (let i = 0; i < Math.max(mobiles.length, emails.length); i += 50) {
      const response = await this.withFreshToken(() =>
        this.sdk.contact.user.batchGetId({
          params: { user_id_type: "open_id" },
          data: { mobiles: mobiles.slice(i, i + 50), emails: emails.slice(i, i + 50) },
        }),
      );
      for (const user of response.data?.user_list ?? []) {
        const key = user.mobile ?? user.email;
        if (key && user.user_id) found.set(key, user.user_id);
      }
    }
    return found;
  }
}
