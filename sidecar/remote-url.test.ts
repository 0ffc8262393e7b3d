import { describe, expect, it } from "vitest";
import { classifyRemoteUrl } from "./git/remote-url";

/** Which origin URLs the sidecar's push and fetch accept: the four transports, nothing that starts a helper program. */
describe("origin URLs", () => {
  it.each([
    ["https://github.com/o/r.git", "https"],
    ["ssh://git@github.com/o/r.git", "ssh"],
    ["git+ssh://git@host/r.git", "ssh"],
    ["git@github.com:o/r.git", "ssh"],
    ["git://127.0.0.1:9418/r.git", "git"],
    ["file:///srv/git/r.git", "file"],
    ["/srv/git/r.git", "file"],
    ["./a:b/r.git", "file"],
  ])("accepts %s as %s", (url, transport) => {
    expect(classifyRemoteUrl(url, "/repo")).toMatchObject({ ok: true, transport });
  });

  it("reads a relative local path against the repository's folder", () => {
    expect(classifyRemoteUrl("../origin.git", "/srv/repo")).toEqual({ ok: true, url: "/srv/origin.git", transport: "file" });
  });

  it.each([
    ["ext::sh -c evil", /remote helper git-remote-ext/],
    ["fd::3", /remote helper git-remote-fd/],
    ["testgit::/x", /remote helper git-remote-testgit/],
    ["http://host/r.git", /unencrypted/],
    ["ftp://host/r.git", /none of the transports/],
    ["persistent-https://host/r", /none of the transports/],
    ["-oProxyCommand=evil:r", /starts with '-'/],
    ["ssh://-oProxyCommand=evil/r", /starts with '-'/],
    ["ssh://user@-evil/r", /starts with '-'/],
    ["--upload-pack=evil", /starts with '-'/],
    ["", /empty/],
    ["https://host/r\nevil", /control characters/],
  ])("refuses %j, saying why", (url, reason) => {
    const result = classifyRemoteUrl(url, "/repo");
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(reason);
  });
});
