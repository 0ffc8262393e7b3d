import { describe, expect, it } from "vitest";
import { AppError } from "../errors";
import { unavailableRuntime } from "./app-runtime";

describe("a runtime whose settings are broken", () => {
  it("answers every agent call with the settings error, but still lets a tab close", async () => {
    const reason = new AppError("PRECONDITION_FAILED", "The settings file /data/settings.json is invalid: agents.0.prompt: must be \"stdin\" or \"arg\"");
    const runtime = unavailableRuntime(reason);
    await expect(runtime.startTask({ creator: "tab", chatId: "c", prompt: "hi" })).rejects.toBe(reason);
    await expect(runtime.chatDirectory("c")).rejects.toBe(reason);
    await expect(runtime.events.subscribe("c")[Symbol.asyncIterator]().next()).rejects.toBe(reason);
    await expect(runtime.forgetChats(["c"])).resolves.toBeUndefined();
    expect(runtime.listAgents()).toEqual([]);
  });
});
