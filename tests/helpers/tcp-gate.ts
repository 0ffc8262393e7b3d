import net from "node:net";

/**
 * A TCP forwarder on 127.0.0.1 in front of a port, that a test can cut like a network drop:
 *
 *   const gate = await startTcpGate(Number(new URL(host.url).port));
 *   gate.cut();      // every open connection is reset, new ones are reset as soon as they arrive
 *   gate.restore();  // connections go through again
 *   await gate.close();
 *
 * While cut the gate keeps listening (so its port stays its own) but resets each new connection at
 * once: to a client that is a connection that fails, as when the host is unreachable.
 */
export type TcpGate = {
  port: number;
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** Destroys every open connection (both sides) and refuses new ones until restore(). */
  cut(): void;
  restore(): void;
  /** How many connections the gate has accepted, refused ones included. */
  connections(): number;
  close(): Promise<void>;
};

export async function startTcpGate(targetPort: number, targetHost = "127.0.0.1"): Promise<TcpGate> {
  const open = new Set<net.Socket>();
  let isCut = false;
  let accepted = 0;

  const drop = (socket: net.Socket) => {
    // A reset, not a polite FIN: the peer sees the connection fail, as on a network drop.
    if (!socket.destroyed) socket.resetAndDestroy();
  };

  const server = net.createServer((client) => {
    accepted += 1;
    if (isCut) {
      client.on("error", () => undefined);
      drop(client);
      return;
    }
    const upstream = net.connect({ port: targetPort, host: targetHost });
    open.add(client);
    open.add(upstream);
    const forget = () => {
      open.delete(client);
      open.delete(upstream);
    };
    client.on("error", () => drop(upstream));
    upstream.on("error", () => drop(client));
    client.on("close", () => {
      forget();
      upstream.destroy();
    });
    upstream.on("close", () => {
      forget();
      client.destroy();
    });
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as net.AddressInfo;

  return {
    port,
    url: `http://127.0.0.1:${port}`,
    cut() {
      isCut = true;
      for (const socket of open) drop(socket);
      open.clear();
    },
    restore() {
      isCut = false;
    },
    connections: () => accepted,
    async close() {
      for (const socket of open) socket.destroy();
      open.clear();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
