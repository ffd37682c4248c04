import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * Cloudflare Turnstile's siteverify on loopback (Validate the token; Test your Turnstile implementation):
 * form-encoded or multipart POST of `secret`, `response`, optional `remoteip`; JSON `{ success, "error-codes" }`.
 * Refuses as siteverify does: a missing or unknown secret (`missing-input-secret` / `invalid-input-secret`), a
 * missing or invalid token (`missing-input-response` / `invalid-input-response`). The documented test secret
 * 1x…AA passes the dummy token the test sitekeys produce (XXXX.DUMMY.TOKEN.XXXX); 2x…AA fails every token.
 */
export const TURNSTILE_TEST_SITE_KEY = "1x00000000000000000000AA";
export const TURNSTILE_PASSING_SECRET = "1x0000000000000000000000000000000AA";
export const TURNSTILE_FAILING_SECRET = "2x0000000000000000000000000000000AA";
export const TURNSTILE_DUMMY_TOKEN = "XXXX.DUMMY.TOKEN.XXXX";

export class FakeTurnstile {
  readonly calls: { secret: string | null; response: string | null; remoteip: string | null; success: boolean }[] = [];
  private server: Server | undefined;
  url = "";

  async start(): Promise<this> {
    this.server = createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const form = await new Request("http://x/", { method: "POST", headers: { "content-type": req.headers["content-type"] ?? "" }, body: Buffer.concat(chunks) })
        .formData()
        .catch(() => new FormData());
      const secret = form.get("secret") as string | null;
      const response = form.get("response") as string | null;
      const errors: string[] = [];
      if (req.method !== "POST") errors.push("bad-request");
      if (!secret) errors.push("missing-input-secret");
      else if (secret !== TURNSTILE_PASSING_SECRET && secret !== TURNSTILE_FAILING_SECRET) errors.push("invalid-input-secret");
      if (!response) errors.push("missing-input-response");
      else if (secret === TURNSTILE_FAILING_SECRET || response !== TURNSTILE_DUMMY_TOKEN) errors.push("invalid-input-response");
      const success = errors.length === 0;
      this.calls.push({ secret, response, remoteip: form.get("remoteip") as string | null, success });
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ success, "error-codes": errors }));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/turnstile/v0/siteverify`;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
