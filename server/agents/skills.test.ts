import { describe, expect, it } from "vitest";
import { parseSkillFile, skillPrompt } from "./skills";

describe("skill files", () => {
  it("reads name and description from the front matter and keeps the body as the prompt", () => {
    const parsed = parseSkillFile('---\nname: review\ndescription: "Review the diff"\n---\n\nLook at the changes.\n');
    expect(parsed).toEqual({ meta: { name: "review", description: "Review the diff" }, body: "Look at the changes." });
  });

  it("puts the arguments where $ARGUMENTS stands, else after the body", () => {
    expect(skillPrompt({ prompt: "Fix $ARGUMENTS now" }, " issue 7 ")).toBe("Fix issue 7 now");
    expect(skillPrompt({ prompt: "Tidy up." }, "src/")).toBe("Tidy up.\n\nArguments: src/");
    expect(skillPrompt({ prompt: "Tidy up." }, "")).toBe("Tidy up.");
  });
});
