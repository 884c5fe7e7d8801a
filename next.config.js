/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  // pg and pino are server-only Node packages; keep them out of the bundle.
  serverExternalPackages: ['pg', 'pino'],
};

export default nextConfig;
