/** Feishu's HTTP answers as errors, and the axios-shaped HttpInstance over fetch that the SDK speaks through (client.ts). */

export class FeishuApiError extends Error {
  override name = "FeishuApiError";
  readonly status: number;
  readonly code: number | undefined;
  /** milliseconds until Feishu's rate-limit window resets, from x-ogw-ratelimit-reset */
  readonly retryAfterMs: number | undefined;
  /** the path of the request that failed (e.g. the token request before a send), when known */
  readonly path: string | undefined;

  constructor(status: number, code: number | undefined, message: string, retryAfterMs?: number, path?: string) {
    super(message);
    this.status = status;
    this.code = code;
    this.retryAfterMs = retryAfterMs;
    this.path = path;
  }

  get rateLimited(): boolean {
    return this.status === 429 || this.code === 99991400 || this.code === 230020;
  }

  get tokenInvalid(): boolean {
    return this.code === 99991663 || this.code === 99991661;
  }

  get retryable(): boolean {
    return this.rateLimited || this.tokenInvalid || this.status >= 500 || this.status === 0;
  }
}

type RequestOptions = {
  url?: string;
  method?: string;
  headers?: Record<string, unknown>;
  params?: Record<string, unknown>;
  data?: unknown;
  responseType?: string;
  timeout?: number;
  /** axios's name: a downloaded body over this many bytes is refused (before reading it when Content-Length says so) */
  maxContentLength?: number;
};

/** A download bigger than the caller accepts: nothing past the limit was read. */
export class FileTooLargeError extends Error {
  override name = "FileTooLargeError";
}

async function readCapped(response: Response, maxBytes: number): Promise<ArrayBuffer> {
  const declared = Number(response.headers.get("content-length") ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel();
    throw new FileTooLargeError(`download of ${declared} bytes over ${maxBytes}`);
  }
  if (!response.body) return new ArrayBuffer(0);
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      throw new FileTooLargeError(`download over ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes.buffer;
}

function withParams(url: string, params?: Record<string, unknown>): string {
  if (!params) return url;
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) for (const item of value) search.append(key, String(item));
    else search.append(key, String(value));
  }
  const query = search.toString();
  return query ? `${url}${url.includes("?") ? "&" : "?"}${query}` : url;
}

const REQUEST_TIMEOUT_MS = 8_000;

/** An axios-shaped HttpInstance over fetch: resolves with the body, rejects with FeishuApiError. */
export function fetchHttpInstance(fetcher: typeof fetch = fetch) {
  async function request(options: RequestOptions): Promise<unknown> {
    const headers: Record<string, string> = {};
    for (const [key, value] of Object.entries(options.headers ?? {})) if (value !== undefined) headers[key] = String(value);
    let body: BodyInit | undefined;
    const contentType = Object.entries(headers).find(([key]) => key.toLowerCase() === "content-type");
    if (contentType?.[1].startsWith("multipart/form-data") && options.data && typeof options.data === "object") {
      // The SDK hands file uploads over as a plain object, as axios would; fetch builds the multipart body and its boundary.
      delete headers[contentType[0]];
      const form = new FormData();
      for (const [key, value] of Object.entries(options.data as Record<string, unknown>)) {
        const fileName = (options.data as { file_name?: string }).file_name ?? "file";
        if (value instanceof Blob) form.append(key, value, fileName);
        else if (value instanceof Uint8Array) form.append(key, new Blob([value]), fileName);
        else if (value !== undefined && value !== null) form.append(key, String(value));
      }
      body = form;
    } else if (options.data !== undefined && options.method?.toUpperCase() !== "GET") {
      headers["Content-Type"] ??= "application/json; charset=utf-8";
      body = JSON.stringify(options.data);
    }
    let response: Response;
    try {
      response = await fetcher(withParams(options.url ?? "", options.params), {
        method: (options.method ?? "GET").toUpperCase(),
        headers,
        body,
        signal: AbortSignal.timeout(options.timeout ?? REQUEST_TIMEOUT_MS),
      });
    } catch (error) {
      let path: string | undefined;
      try {
        path = new URL(options.url ?? "", "http://unknown.invalid").pathname;
      } catch {
        path = undefined;
      }
      throw new FeishuApiError(0, undefined, `network: ${error instanceof Error ? error.message : String(error)}`, undefined, path);
    }
    const isJson = (response.headers.get("content-type") ?? "").includes("json");
    if (options.responseType === "arraybuffer" && response.ok && !isJson) {
      return options.maxContentLength ? readCapped(response, options.maxContentLength) : response.arrayBuffer();
    }
    const text = await response.text();
    let parsed: { code?: number; msg?: string } | undefined;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    const code = typeof parsed?.code === "number" ? parsed.code : undefined;
    if (!response.ok || (code !== undefined && code !== 0)) {
      const reset = Number(response.headers.get("x-ogw-ratelimit-reset"));
      throw new FeishuApiError(
        response.status,
        code,
        `feishu ${response.status}${code !== undefined ? ` code ${code}` : ""}${parsed?.msg ? `: ${parsed.msg}` : ""}`,
        Number.isFinite(reset) && reset > 0 ? reset * 1000 : undefined,
      );
    }
    return parsed ?? text;
  }
  return {
    request,
    get: (url: string, opts?: RequestOptions) => request({ ...opts, url, method: "GET" }),
    delete: (url: string, opts?: RequestOptions) => request({ ...opts, url, method: "DELETE" }),
    head: (url: string, opts?: RequestOptions) => request({ ...opts, url, method: "HEAD" }),
    options: (url: string, opts?: RequestOptions) => request({ ...opts, url, method: "OPTIONS" }),
    post: (url: string, data?: unknown, opts?: RequestOptions) => request({ ...opts, url, data, method: "POST" }),
    put: (url: string, data?: unknown, opts?: RequestOptions) => request({ ...opts, url, data, method: "PUT" }),
    patch: (url: string, data?: unknown, opts?: RequestOptions) => request({ ...opts, url, data, method: "PATCH" }),
  };
}
