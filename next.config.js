/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  // Server-only Node packages (pg, pino, prom-client), and the large libraries every API route imports through the
  // server's context: bundled, each route's chunk would carry its own copy of them (better-auth alone is ~0.7 MB of
  // source per route), every copy held in the server's memory; loaded from node_modules, the process holds one.
  serverExternalPackages: ['pg', 'pino', 'prom-client', 'better-auth', 'zod', 'xstate', '@prisma/adapter-pg'],
};

export default nextConfig;
