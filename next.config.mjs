/** @type {import('next').NextConfig} */
const nextConfig = {
  // better-sqlite3 is a native addon and opencode's SDK spawns processes: keep them out of the bundle.
  serverExternalPackages: ["better-sqlite3", "@prisma/adapter-better-sqlite3", "@prisma/client", "opencode-ai", "execa"],
  typescript: { ignoreBuildErrors: false },
  poweredByHeader: false,
};

export default nextConfig;
