/**
 * Server-side check of a Cloudflare Turnstile token (Validate the token: POST secret, response and remoteip to
 * siteverify; only `success: true` passes). It fails closed: no secret, no token, an error, a non-JSON answer or
 * a timeout are all refusals.
 */
export async function turnstilePasses(verifyUrl: string, secret: string | undefined, token: string | undefined, remoteIp: string | null): Promise<boolean> {
  if (!secret || !token || token.length > 2048) return false;
  const body = new FormData();
  body.set("secret", secret);
  body.set("response", token);
  if (remoteIp) body.set("remoteip", remoteIp);
  try {
    const response = await fetch(verifyUrl, { method: "POST", body, signal: AbortSignal.timeout(5_000) });
    if (!response.ok) return false;
    const answer = (await response.json()) as { success?: unknown };
    return answer.success === true;
  } catch {
    return false;
  }
}
