import { describe, expect, it } from "vitest";
import { configHashOf } from "./host-service-client";
import { newHostWatch, observeHost, type HostStatus, type HostWatch } from "./remote-opencode";

const host = { name: "build-2", lossTimeoutMs: 30_000 };
const status = (instance: string, generation: number, state = "ready"): HostStatus => ({ instance, opencode: { state, generation, configHash: "h" } });

/** A watch that was made ready on `instance/generation` at time 0. */
function readyOn(instance: string, generation: number): HostWatch {
  const seen = observeHost(newHostWatch(0), status(instance, generation), 0, host).watch;
  return { ...seen, readyPair: seen.pair };
}

describe("observeHost: when the runs on a host service are lost", () => {
  it("loses nothing when the host answers with the pair it was ready on", () => {
    const { watch, lost } = observeHost(readyOn("i1", 1), status("i1", 1), 2_000, host);
    expect(lost).toBeNull();
    expect(watch).toMatchObject({ readyPair: "i1/1", lastAnswerAt: 2_000, generation: 1 });
  });

  it("loses nothing while the host is silent for less than the loss timeout, and says so in words once it is not", () => {
    const watch = readyOn("i1", 1);
    expect(observeHost(watch, null, 29_999, host).lost).toBeNull();
    const late = observeHost(watch, null, 30_000, host);
    expect(late.lost).toBe('host "build-2" did not answer for 30 s');
    expect(late.watch.readyPair).toBeNull();
    // Said once: a host still silent afterwards loses nothing more.
    expect(observeHost(late.watch, null, 60_000, host).lost).toBeNull();
  });

  it("a host back within the window with the same pair loses nothing", () => {
    const silent = observeHost(readyOn("i1", 1), null, 20_000, host).watch;
    expect(observeHost(silent, status("i1", 1), 25_000, host).lost).toBeNull();
  });

  it("tells a restarted host from a restarted opencode, and counts each new pair", () => {
    const host2 = observeHost(readyOn("i1", 1), status("i2", 1), 1_000, host);
    expect(host2.lost).toBe('host "build-2" restarted');
    expect(host2.watch).toMatchObject({ generation: 2, readyPair: null });
    const opencode2 = observeHost(readyOn("i1", 1), status("i1", 2), 1_000, host);
    expect(opencode2.lost).toBe('the opencode of host "build-2" restarted');
  });

  it("loses the runs when the host's opencode stopped under the same pair", () => {
    expect(observeHost(readyOn("i1", 1), status("i1", 1, "exited"), 1_000, host).lost).toBe('the opencode of host "build-2" stopped');
  });

  it("loses nothing it never had: a watch not yet ready only follows the pair", () => {
    const first = observeHost(newHostWatch(0), status("i1", 1, "unconfigured"), 0, host);
    expect(first).toMatchObject({ lost: null, watch: { pair: "i1/1", generation: 1 } });
    expect(observeHost(first.watch, status("i1", 2), 500, host)).toMatchObject({ lost: null, watch: { generation: 2 } });
    expect(observeHost(first.watch, null, 60_000, host).lost).toBeNull();
  });
});

describe("configHashOf", () => {
  it("is the sha256 hex of the configuration's JSON text, as the host computes it", () => {
    expect(configHashOf({ a: 1 })).toBe("015abd7f5cc57a2dd94b7590f04ad8084273905ee33ec5cebeae62276a97f862");
  });
});
