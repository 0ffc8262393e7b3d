import type { AddressInfo } from "node:net";
import { createTRPCClient, httpBatchLink, TRPCClientError } from "@trpc/client";
import { createHTTPServer } from "@trpc/server/adapters/standalone";
import superjson from "superjson";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createContextInner } from "../../server/trpc/init";
import { appRouter, type AppRouter } from "../../server/trpc/routers/_app";
import { unreachableSidecar } from "../helpers/trpc-caller";
import { createTestDb } from "../helpers/test-db";

// A script talks to BooChat through a typed client over HTTP: superjson dates, error data.
let testDb: Awaited<ReturnType<typeof createTestDb>>;
let server: ReturnType<typeof createHTTPServer>;
let client: ReturnType<typeof createTRPCClient<AppRouter>>;

beforeAll(async () => {
  testDb = await createTestDb();
  const sidecar = unreachableSidecar();
  server = createHTTPServer({ router: appRouter, createContext: () => createContextInner({ db: testDb.db, sidecar }) });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  client = createTRPCClient<AppRouter>({ links: [httpBatchLink({ url: `http://127.0.0.1:${port}`, transformer: superjson })] });
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await testDb.cleanup();
});

it("creates and lists sessions through a typed client, with real Date objects", async () => {
  const created = await client.session.create.mutate({ title: "from a script" });
  const list = await client.session.list.query();
  const found = list.find((s) => s.id === created.id);
  expect(found?.title).toBe("from a script");
  expect(found?.createdAt).toBeInstanceOf(Date);
});

it("reports bad input with the field named and the flattened zod error in error.data", async () => {
  const error = await client.session.create.mutate({ title: "" }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(TRPCClientError);
  const clientError = error as TRPCClientError<AppRouter>;
  expect(clientError.data?.httpStatus).toBe(400);
  expect(clientError.message).toContain("title: must not be empty");
  expect(clientError.data?.zodError?.fieldErrors).toHaveProperty("title");
});

it("answers 404 for a missing session", async () => {
  const error = (await client.session.get.query({ id: "missing" }).catch((e: unknown) => e)) as TRPCClientError<AppRouter>;
  expect(error.data?.code).toBe("NOT_FOUND");
  expect(error.data?.httpStatus).toBe(404);
  expect(error.message).toBe("Session missing does not exist");
});
