import { describe, expect, it, vi } from "vitest";
import { AppError } from "./errors";

describe("AppError", () => {
  it("is recognised by instanceof whichever copy of the class made it (Next.js bundles the runtime apart from the routes)", async () => {
    // A second copy of the module, as a separate bundle would hold it.
    vi.resetModules();
    const other = await import("./errors");
    expect(other.AppError).not.toBe(AppError);
    const foreign = new other.AppError("CONFLICT", "busy");
    expect(foreign instanceof AppError).toBe(true);
    expect(new AppError("CONFLICT", "busy") instanceof other.AppError).toBe(true);
    expect(new Error("plain") instanceof AppError).toBe(false);
    expect({ code: "CONFLICT" } instanceof AppError).toBe(false);
  });
});
