import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { hostOfRow, readHosts } from "./hosts-config";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "boochat-hosts-file-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const local = { sidecarUrl: "http://127.0.0.1:4319/", sidecarToken: "t" };
function fileWith(text: string): string {
  const file = path.join(dir, `hosts-${Math.random().toString(36).slice(2)}.json`);
  fs.writeFileSync(file, text);
  return file;
}

describe("BOOCHAT_HOSTS_FILE", () => {
  it("without it, there is one host, local: today's sidecar", () => {
    expect(readHosts({ ...local, hostsFile: null })).toEqual([{ name: "local", url: "http://127.0.0.1:4319", token: "t", kind: "sidecar" }]);
  });

  it("reads the declared hosts, in order, as host services", () => {
    const file = fileWith(JSON.stringify([
      { name: "build-1", url: "http://10.0.0.5:4319/", token: "0123456789abcdef0123" },
      { name: "build-2", url: "https://b2.internal", token: "fedcba9876543210fedc" },
    ]));
    expect(readHosts({ ...local, hostsFile: file })).toEqual([
      { name: "build-1", url: "http://10.0.0.5:4319", token: "0123456789abcdef0123", kind: "host-service" },
      { name: "build-2", url: "https://b2.internal", token: "fedcba9876543210fedc", kind: "host-service" },
    ]);
  });

  it("names every problem of a bad file, and the file", () => {
    expect(() => readHosts({ ...local, hostsFile: path.join(dir, "missing.json") })).toThrow(/^BOOCHAT_HOSTS_FILE .*missing\.json cannot be read/);
    expect(() => readHosts({ ...local, hostsFile: fileWith("[{") })).toThrow(/is not JSON/);
    expect(() => readHosts({ ...local, hostsFile: fileWith("[]") })).toThrow(/the list: must declare at least one host/);
    const bad = fileWith(JSON.stringify([{ name: "a b", url: "ftp://x", token: "short" }]));
    expect(() => readHosts({ ...local, hostsFile: bad })).toThrow(/\[0\]\.name: must be 1 to 63 letters.*\[0\]\.url: must start with http.*\[0\]\.token: must be at least 16 characters/);
    const twice = fileWith(JSON.stringify([0, 1].map(() => ({ name: "same", url: "http://x", token: "0123456789abcdef" }))));
    expect(() => readHosts({ ...local, hostsFile: twice })).toThrow(/declares a host name twice/);
  });

  it("finds a row's host by name, by the sidecar URL older rows recorded, else the first", () => {
    const hosts = readHosts({ ...local, hostsFile: fileWith(JSON.stringify([
      { name: "one", url: "http://one:1", token: "0123456789abcdef" },
      { name: "two", url: "http://two:2", token: "0123456789abcdef" },
    ])) });
    expect(hostOfRow(hosts, "two").name).toBe("two");
    expect(hostOfRow(hosts, "http://two:2/").name).toBe("two");
    expect(hostOfRow(hosts, null).name).toBe("one");
    expect(hostOfRow(hosts, "http://gone:9").name).toBe("one");
  });
});
