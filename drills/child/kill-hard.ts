// Runs killHard the way the sidecar-kill drill does, in a process group of its own (the test starts
// it detached), so a killHard that signals its caller's group kills only this process, never the
// test run. Starts a stand-in "sidecar" that has one child in its own group (as tsx's esbuild is) and
// one leading a group of its own (as the sidecar's git calls do), kills it with its children, and
// prints "survived" with the pids that had to go.
import { spawn } from "node:child_process";
import { killHard, waitGone } from "../lib/processes";

const standIn = spawn(
  process.execPath,
  [
    "-e",
    `const { spawn } = require("node:child_process");
     const sameGroup = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" });
     const ownGroup = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore", detached: true });
     console.log(JSON.stringify([sameGroup.pid, ownGroup.pid]));
     setInterval(() => {}, 1000);`,
  ],
  { stdio: ["ignore", "pipe", "inherit"] },
);
const children = await new Promise<number[]>((resolve) => standIn.stdout.once("data", (chunk: Buffer) => resolve(JSON.parse(chunk.toString()) as number[])));
killHard(standIn.pid ?? 0, { children: true });
await waitGone([standIn.pid ?? 0, ...children], 10_000);
process.stdout.write(`survived ${JSON.stringify(children)}\n`);
