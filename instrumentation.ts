/** Next.js calls this once per server process: the engine runs inside the Node.js server, not the edge runtime. */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { loadEnv } = await import('./lib/env');
  if (!loadEnv().ENGINE_ENABLED) return;
  const { bootEngine } = await import('./lib/server/boot-engine');
  await bootEngine();
}
