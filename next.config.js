/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  // pg, pino and prom-client are server-only Node packages; keep them out of the bundle.
  serverExternalPackages: ['pg', 'pino', 'prom-client'],
};

export default nextConfig;
