import fs from "node:fs/promises";
import type { HostConfig } from "../../server/hosts/hosts-config";
import { makeTempDir } from "./git-repos";
import { startHostService, type HostServiceProcess } from "./host-process";

export type HostName = "A" | "B";

/**
 * Two REAL host services on this machine, A (the home host) and B, each with its own worktree root,
 * data folder, port and token, and a folder for the web app's side (`dirs.app`), for the tests of
 * issue 20:
 *
 *   const two = await startTwoHosts("blip");
 *   const hosts = [two.config("A"), two.config("B", gate.url)];
 *   await two.B.kill(); await two.restart("B", port);
 *   await two.stop();   // both hosts, then every folder
 *
 * A start that fails stops what it did start and removes the folders, then rejects.
 */
export type TwoHosts = {
  /** The running services; `restart` replaces one. */
  A: HostServiceProcess;
  B: HostServiceProcess;
  dirs: { rootA: string; rootB: string; dataA: string; dataB: string; app: string };
  /** How the web app lists host `name`, reached at `url` (default: the service's own; a gate's, say). */
  config(name: HostName, url?: string): HostConfig;
  /** Starts `name` again on its own folders and token (after a kill), on `port` when given. */
  restart(name: HostName, port?: number): Promise<HostServiceProcess>;
  /** Both start opencode with `config`: the one the runtime will push, so it finds them ready. */
  configureOpencode(config: Record<string, unknown>): Promise<void>;
  stop(): Promise<void>;
};

export async function startTwoHosts(label: string): Promise<TwoHosts> {
  const temp = (name: string) => makeTempDir(`boochat-${label}-${name}-`);
  const [rootA, rootB, dataA, dataB, app] = await Promise.all([temp("root-a"), temp("root-b"), temp("data-a"), temp("data-b"), temp("app")]);
  const dirs = { rootA, rootB, dataA, dataB, app };
  const folders = { A: { worktreeRoot: rootA, dataDir: dataA }, B: { worktreeRoot: rootB, dataDir: dataB } };
  const removeFolders = () => Promise.all(Object.values(dirs).map((dir) => fs.rm(dir, { recursive: true, force: true })));
  const started = await Promise.allSettled([startHostService({ name: "A", ...folders.A }), startHostService({ name: "B", ...folders.B })]);
  const [a, b] = started;
  if (a.status === "rejected" || b.status === "rejected") {
    await Promise.allSettled(started.map((s) => (s.status === "fulfilled" ? s.value.stop() : undefined)));
    await removeFolders();
    throw a.status === "rejected" ? a.reason : (b as PromiseRejectedResult).reason;
  }
  const two: TwoHosts = {
    A: a.value,
    B: b.value,
    dirs,
    config: (name, url) => ({ name, url: url ?? two[name].url, token: two[name].token, kind: "host-service" }),
    async restart(name, port) {
      two[name] = await startHostService({ name, ...folders[name], token: two[name].token, ...(port ? { port } : {}) });
      return two[name];
    },
    async configureOpencode(config) {
      await Promise.all(
        [two.A, two.B].map(async (host) => {
          const configured = await host.request("PUT", "/v1/opencode/config", { config });
          if (configured.status !== 200) throw new Error(`host ${host.name} did not start opencode: ${JSON.stringify(configured.body)}`);
        }),
      );
    },
    async stop() {
      await Promise.allSettled([two.A.stop(), two.B.stop()]);
      await removeFolders();
    },
  };
  return two;
}
