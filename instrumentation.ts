/** Next.js calls this once per server process: the engine runs inside the Node.js server, not the edge runtime. */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { bootServer } = await import('./lib/server/boot');
  await bootServer();
}
