import { describe, expect, it } from "vitest";
import { parseRemoteUrl, pullRequestUrl } from "./pull-request-url";

const branch = "boochat/fix-parser-a1b2c3";

describe("pull request links", () => {
  it("reads the host and repository from https, ssh and scp-like remote URLs", () => {
    for (const remote of ["https://github.com/acme/widget.git", "https://github.com/acme/widget", "git@github.com:acme/widget.git", "ssh://git@github.com/acme/widget.git", "git://github.com/acme/widget"]) {
      expect(parseRemoteUrl(remote), remote).toEqual({ host: "github.com", port: null, path: "acme/widget" });
    }
    expect(parseRemoteUrl("ssh://git@gitlab.example.com:2222/group/sub/app.git")).toEqual({ host: "gitlab.example.com", port: "2222", path: "group/sub/app" });
    expect(parseRemoteUrl("https://user:secret@github.com/acme/widget.git")).toEqual({ host: "github.com", port: null, path: "acme/widget" });
    for (const local of ["/srv/git/widget.git", "../widget", "file:///srv/git/widget.git", "ext::sh -c evil", "widget"]) expect(parseRemoteUrl(local), local).toBeNull();
  });

  it("links GitHub's compare page, from https and ssh remotes alike", () => {
    const expected = `https://github.com/acme/widget/compare/main...boochat/fix-parser-a1b2c3?expand=1`;
    expect(pullRequestUrl("https://github.com/acme/widget.git", branch, "main").url).toBe(expected);
    expect(pullRequestUrl("git@github.com:acme/widget.git", branch, "main").url).toBe(expected);
    expect(pullRequestUrl("git@github.example.com:acme/widget.git", branch, "main").url).toBe(
      "https://github.example.com/acme/widget/compare/main...boochat/fix-parser-a1b2c3?expand=1",
    );
  });

  it("links GitLab's new merge request page, with nested groups", () => {
    for (const remote of ["https://gitlab.com/group/sub/app.git", "git@gitlab.com:group/sub/app.git"]) {
      expect(pullRequestUrl(remote, branch, "develop").url).toBe(
        "https://gitlab.com/group/sub/app/-/merge_requests/new?merge_request%5Bsource_branch%5D=boochat%2Ffix-parser-a1b2c3&merge_request%5Btarget_branch%5D=develop",
      );
    }
    expect(pullRequestUrl("ssh://git@gitlab.example.com:2222/group/app.git", branch, "main").url).toContain("https://gitlab.example.com/group/app/-/merge_requests/new?");
  });

  it("links Gitea/Forgejo's compare page (Codeberg and self-hosted) and Bitbucket's new pull request page", () => {
    for (const remote of ["https://codeberg.org/me/tool.git", "git@codeberg.org:me/tool.git"]) {
      expect(pullRequestUrl(remote, branch, "main").url).toBe("https://codeberg.org/me/tool/compare/main...boochat/fix-parser-a1b2c3");
    }
    expect(pullRequestUrl("https://gitea.example.org/me/tool", branch, "main").url).toBe("https://gitea.example.org/me/tool/compare/main...boochat/fix-parser-a1b2c3");
    for (const remote of ["https://bitbucket.org/team/repo.git", "git@bitbucket.org:team/repo.git"]) {
      expect(pullRequestUrl(remote, branch, "main").url).toBe("https://bitbucket.org/team/repo/pull-requests/new?source=boochat%2Ffix-parser-a1b2c3&dest=main");
    }
  });

  it("names the branch and remote in words for a host it does not know or a local path", () => {
    expect(pullRequestUrl("git@git.internal.example:team/repo.git", branch, "main")).toEqual({
      url: null,
      reason: "origin (git@git.internal.example:team/repo.git) is not on a host BooChat knows (GitHub, GitLab, Gitea/Forgejo, Bitbucket): open a pull request of boochat/fix-parser-a1b2c3 into main there",
    });
    expect(pullRequestUrl("/srv/git/repo.git", branch, "main").url).toBeNull();
  });
});
