import { describe, expect, it } from "vitest";
import { OVERALL_HELP, parseCommandLine } from "./args";

describe("boochat command line", () => {
  it("shows the overall help, listing every command, for no arguments, --help and help", () => {
    for (const argv of [[], ["--help"], ["-h"], ["help"]]) {
      const parsed = parseCommandLine(argv);
      expect(parsed).toEqual({ command: "help", text: OVERALL_HELP });
    }
    for (const name of ["task", "sessions", "hosts", "watch", "cancel", "BOOCHAT_URL", "BOOCHAT_TOKEN", "BOOCHAT_DATA_DIR"]) {
      expect(OVERALL_HELP).toContain(name);
    }
    expect(OVERALL_HELP).toMatch(/2 task failed, 3 task cancelled/);
  });

  it("shows a command's own help for --help and help <command>", () => {
    const viaFlag = parseCommandLine(["watch", "--help"]);
    expect(viaFlag).toEqual(parseCommandLine(["help", "watch"]));
    expect(viaFlag.command === "help" && viaFlag.text).toMatch(/^Usage: boochat watch <taskId>/);
    const task = parseCommandLine(["task", "-h"]);
    expect(task.command === "help" && task.text).toContain("--session <id>");
  });

  it("parses hosts with and without --json, and refuses arguments", () => {
    expect(parseCommandLine(["hosts"])).toEqual({ command: "hosts", json: false });
    expect(parseCommandLine(["hosts", "--json"])).toEqual({ command: "hosts", json: true });
    expect(() => parseCommandLine(["hosts", "build-1"])).toThrow("boochat hosts takes no arguments; extra arguments: build-1");
    const help = parseCommandLine(["hosts", "--help"]);
    expect(help.command === "help" && help.text).toMatch(/^Usage: boochat hosts \[--json\]/);
  });

  it("parses a task with every option, joining unquoted words into one prompt", () => {
    expect(
      parseCommandLine(["task", "fix", "the", "flaky", "test", "--session", "s1", "--chat", "c1", "--agent", "opencode", "-m", "openai/gpt-5", "--ref", "r", "--watch", "--json"]),
    ).toEqual({
      command: "task",
      prompt: "fix the flaky test",
      session: "s1",
      chat: "c1",
      agent: "opencode",
      model: "openai/gpt-5",
      ref: "r",
      watch: true,
      json: true,
    });
    expect(parseCommandLine(["task", "--", "--not-a-flag"])).toMatchObject({ command: "task", prompt: "--not-a-flag", watch: false });
  });

  it("names the unknown command or option", () => {
    expect(() => parseCommandLine(["frob"])).toThrow(/Unknown command "frob". Commands: task, sessions, hosts, watch, cancel/);
    expect(() => parseCommandLine(["task", "hi", "--sesion", "x"])).toThrow("Unknown option --sesion for boochat task");
    expect(() => parseCommandLine(["sessions", "-q"])).toThrow("Unknown option -q for boochat sessions");
    expect(() => parseCommandLine(["--verbose"])).toThrow("Unknown option --verbose");
    expect(() => parseCommandLine(["help", "frob"])).toThrow('Unknown command "frob"');
  });

  it("refuses missing or malformed values, naming what is wrong", () => {
    expect(() => parseCommandLine(["task"])).toThrow("Missing the prompt");
    expect(() => parseCommandLine(["task", "  "])).toThrow("Missing the prompt");
    expect(() => parseCommandLine(["task", "hi", "--session"])).toThrow("Option --session of boochat task needs a value");
    expect(() => parseCommandLine(["task", "hi", "--session", " "])).toThrow("Option --session must not be empty");
    expect(() => parseCommandLine(["task", "hi", "--model", "gpt-5"])).toThrow('Option --model must be provider/model (e.g. openai/gpt-5), got "gpt-5"');
    expect(() => parseCommandLine(["watch"])).toThrow("Missing the task id");
    expect(() => parseCommandLine(["watch", "a", "b"])).toThrow("boochat watch takes one task id; extra arguments: b");
    expect(() => parseCommandLine(["cancel"])).toThrow("Missing the task id");
    expect(() => parseCommandLine(["sessions", "x"])).toThrow("boochat sessions takes no arguments");
  });

  it("gives every error exit code 1", () => {
    try {
      parseCommandLine(["frob"]);
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({ name: "CliError", exitCode: 1 });
    }
  });
});
