/**
 * The messages of an error and its causes, joined. drizzle wraps a failed query's D1 error (`DrizzleQueryError`:
 * "Failed query: … params: …", the D1 error as its `cause`), so a check for a D1 message (a UNIQUE conflict)
 * must read the causes too.
 */
export function errorChainText(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && current !== null && depth < 5; depth++) {
    parts.push(current instanceof Error ? current.message : String(current));
    current = current instanceof Error ? current.cause : undefined;
  }
  return parts.join("\n");
}
