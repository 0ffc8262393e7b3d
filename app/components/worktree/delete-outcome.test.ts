import { describe, expect, it } from "vitest";
import { deleteNotice } from "./delete-outcome";

describe("deleteNotice", () => {
  it("says where the stashed work is, and that the worktree went but the branch stayed", () => {
    const notice = deleteNotice({
      title: "Fix",
      branch: "boochat/fix-1",
      result: { deleted: true, worktree: { path: "/w/fix", outcome: "removed" } },
      stash: { changes: 1, entries: 1, repoPath: "/src/app" },
    });
    expect(notice.title).toBe("The session “Fix” was deleted");
    expect(notice.body).toBe(
      "Stashed 1 change in stash@{0} of /src/app (git stash list there shows it). Its worktree /w/fix was removed; the branch boochat/fix-1 was kept.",
    );
  });

  it("after Force says the worktree and its branch were kept, and where to find them", () => {
    const notice = deleteNotice({ title: "Risky", branch: "boochat/risky", result: { deleted: true, worktree: { path: "/w/risky", outcome: "kept-as-orphan" } } });
    expect(notice.body).toBe("Its worktree /w/risky on branch boochat/risky was kept with all its files, listed under “Orphaned worktrees”.");
  });

  it("says a chat-only session touched nothing on disk, and counts arena entries deleted with a session", () => {
    expect(deleteNotice({ title: "Chat", branch: null, result: { deleted: true, worktree: null } }).body).toContain("nothing on disk was touched");
    const withEntries = deleteNotice({
      title: "Arena",
      branch: null,
      result: { deleted: true, worktree: null, entrySessions: [{ id: "a", title: "A", worktree: { path: "/w/a", outcome: "kept-as-orphan" } }] },
    });
    expect(withEntries.body).toBe("1 arena entry session was deleted with it; 1 worktree was kept under “Orphaned worktrees”.");
  });
});
