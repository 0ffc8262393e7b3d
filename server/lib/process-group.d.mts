import type { ChildProcess } from "node:child_process";

export declare function signalGroup(pid: number, signal: NodeJS.Signals): boolean;
export declare function terminateGroup(pid: number, graceMs: number): () => void;
export declare function stopGroup(child: Pick<ChildProcess, "pid" | "exitCode" | "signalCode" | "once">, graceMs: number): Promise<void>;
