import { spawn } from "node:child_process";
import fs from "node:fs/promises";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createOpencodeServer } from "../../server/agents/opencode/opencode-process";
import { portOwner } from "../../server/agents/opencode/port-owner";

const cleanups: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
});

function listen(server: net.Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve((server.address() as net.AddressInfo).port)));
}

describe("who listens on a port", () => {
  it("tells this process's listener from another process's, and an unused port from both", async () => {
    const mine = net.createServer();
    const myPort = await listen(mine);
    cleanups.push(() => new Promise((resolve) => mine.close(resolve)));
    expect(portOwner(process.pid, myPort)).toBe("ours");

    const other = spawn(process.execPath, ["-e", "require('net').createServer().listen(0,'127.0.0.1',function(){console.log(this.address().port)})"], { detached: true, stdio: ["ignore", "pipe", "ignore"] });
    // Its own group (detached); never -0, which would be this test's group.
    cleanups.push(async () => void (other.pid && process.kill(-other.pid, "SIGKILL")));
    const otherPort = Number(await new Promise<string>((resolve) => other.stdout.once("data", (chunk: Buffer) => resolve(chunk.toString().trim()))));
    expect(portOwner(process.pid, otherPort)).toBe("other");
    expect(portOwner(other.pid ?? 0, otherPort)).toBe("ours");

    const free = net.createServer();
    const freePort = await listen(free);
    await new Promise((resolve) => free.close(resolve));
    expect(portOwner(process.pid, freePort)).toBe("none");
  });
});

describe("opencode's port", () => {
  it("never sends opencode's password to a process that took the port first: it starts on another port", async () => {
    const seen: Array<string | undefined> = [];
    const impostor = http.createServer((req, res) => {
      seen.push(req.headers.authorization);
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
    const takenPort = await listen(impostor);
    cleanups.push(() => new Promise((resolve) => impostor.close(resolve)));
    const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "boochat-opencode-port-"));
    cleanups.push(() => fs.rm(dataDir, { recursive: true, force: true }));

    const logs: string[] = [];
    const opencode = createOpencodeServer({ dataDir, config: {}, port: takenPort, restart: { initialDelayMs: 100, maxDelayMs: 500 }, log: (line) => logs.push(line) });
    cleanups.push(() => opencode.stop());
    await opencode.ready(60_000);

    expect(new URL(opencode.url).port).not.toBe(String(takenPort));
    expect(seen.filter((header) => header === opencode.authorization)).toEqual([]);
    expect(logs.join("\n")).toContain(`another process took port ${takenPort}`);
    // The client follows the new port.
    expect((await opencode.client.global.health()).response?.status).toBe(200);
  }, 90_000);
});
