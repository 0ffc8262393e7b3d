import { describe, expect, it } from "vitest";
import { splitFieldErrors } from "./field-errors";

describe("splitFieldErrors", () => {
  it("puts each field's message under its field as a sentence, without the field's name", () => {
    const { byField, rest } = splitFieldErrors("Invalid input: title: must not be empty; repoPath: must be an absolute path", ["title", "repoPath"]);
    expect(byField).toEqual({ title: "Must not be empty", repoPath: "Must be an absolute path" });
    expect(rest).toBeNull();
  });

  it("drops the field name however often the server repeats it", () => {
    expect(splitFieldErrors("repoPath: repoPath: /x does not exist", ["repoPath"]).byField.repoPath).toBe("/x does not exist");
  });

  it("keeps what names no field of the form as a message of the whole form", () => {
    expect(splitFieldErrors("Cannot create the worktree: the sidecar did not answer", ["title"])).toEqual({
      byField: {},
      rest: "Cannot create the worktree: the sidecar did not answer",
    });
  });
});
