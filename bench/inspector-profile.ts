/** A V8 CPU profile of the user Worker in local workerd, taken through its inspector (Miniflare's `inspectorPort`). */
export interface CpuProfile {
  nodes: { id: number; hitCount: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
}

/** Profiles the Worker while `work` runs (sampling every 50 µs). */
export async function profileWhile(inspectorPort: number, work: () => Promise<void>): Promise<CpuProfile> {
  const targets = (await (await fetch(`http://127.0.0.1:${inspectorPort}/json`)).json()) as { title: string; webSocketDebuggerUrl: string }[];
  const target = targets.find((candidate) => candidate.title.includes("core:user"));
  if (!target) throw new Error(`no user worker among the inspector's targets: ${targets.map((t) => t.title).join(", ")}`);
  const socket = new WebSocket(target.webSocketDebuggerUrl);
  await new Promise((resolve, reject) => {
    socket.addEventListener("open", resolve);
    socket.addEventListener("error", reject);
  });
  let lastId = 0;
  const answers = new Map<number, (result: unknown) => void>();
  socket.addEventListener("message", (event) => {
    const message = JSON.parse(String(event.data)) as { id?: number; result?: unknown };
    if (message.id !== undefined) answers.get(message.id)?.(message.result);
  });
  const call = <T>(method: string, params: object = {}) =>
    new Promise<T>((resolve) => {
      const id = ++lastId;
      answers.set(id, resolve as (result: unknown) => void);
      socket.send(JSON.stringify({ id, method, params }));
    });
  try {
    await call("Profiler.enable");
    await call("Profiler.setSamplingInterval", { interval: 50 });
    await call("Profiler.start");
    await work();
    return (await call<{ profile: CpuProfile }>("Profiler.stop")).profile;
  } finally {
    socket.close();
  }
}

/** The functions with the most samples of their own, as lines "12.3%  name file:line". */
export function topFunctions(profile: CpuProfile, count = 25): string[] {
  const total = profile.nodes.reduce((sum, node) => sum + node.hitCount, 0);
  const bySelf = new Map<string, number>();
  for (const node of profile.nodes) {
    const key = `${node.callFrame.functionName || "(anonymous)"} ${node.callFrame.url.split("/").pop()}:${node.callFrame.lineNumber}`;
    bySelf.set(key, (bySelf.get(key) ?? 0) + node.hitCount);
  }
  return [...bySelf].sort((a, b) => b[1] - a[1]).slice(0, count).map(([key, hits]) => `${((100 * hits) / total).toFixed(1).padStart(6)}%  ${key}`);
}
