/** @type {import('next').NextConfig} */
const nextConfig = {
  // better-sqlite3 is a native addon and opencode's SDK spawns processes: keep them out of the bundle.
  serverExternalPackages: ["better-sqlite3", "@prisma/adapter-better-sqlite3", "@prisma/client", "opencode-ai", "execa"],
  // `npm test` type-checks the whole project (tests included) with tsc; the build need not repeat it.
  typescript: { ignoreBuildErrors: true },
  poweredByHeader: false,
};

export default nextConfig;
