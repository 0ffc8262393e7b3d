// Stopping a child and everything it started. Plain JavaScript with node built-ins only, because
// scripts/lib.mjs (run before `npm install`) uses it too; types in process-group.d.mts.

/**
 * Sends `signal` to the process group `pid` leads (a child spawned with `detached: true`), else
 * to the process alone. False when neither exists any more.
 */
export function signalGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    try {
      process.kill(pid, signal);
      return true;
    } catch {
      return false;
    }
  }
}

/**
 * SIGTERM to the group now, SIGKILL after `graceMs` unless cancelled: returns the cancel. The timer
 * does not keep this process up, so a stop that is given no time still sends the first signal.
 */
export function terminateGroup(pid, graceMs) {
  signalGroup(pid, "SIGTERM");
  const timer = setTimeout(() => signalGroup(pid, "SIGKILL"), graceMs);
  timer.unref();
  return () => clearTimeout(timer);
}

/**
 * Stops a child's process group and resolves when the child has exited: SIGTERM, SIGKILL after
 * `graceMs`, then SIGKILL to whatever the child left in its group.
 */
export async function stopGroup(child, graceMs) {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  const cancel = terminateGroup(child.pid, graceMs);
  await exited;
  cancel();
  signalGroup(child.pid, "SIGKILL");
}
