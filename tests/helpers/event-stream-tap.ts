/**
 * A transport for opencode's SDK client that lets a test cut the event stream the way a network
 * drop would (the SDK then reconnects by itself), and counts the stream's connections.
 */
export type EventStreamTap = {
  fetch: typeof fetch;
  /** Cuts the open event stream with a network error. */
  drop(): void;
  /** How many times the event stream has been opened. */
  connections(): number;
};

export function createEventStreamTap(): EventStreamTap {
  let connections = 0;
  const open = new Set<ReadableStreamDefaultController<Uint8Array>>();
  const tapped: typeof fetch = async (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    const response = await fetch(input, init);
    if (new URL(url).pathname !== "/global/event" || !response.body) return response;
    connections += 1;
    const reader = response.body.getReader();
    let controllerOf: ReadableStreamDefaultController<Uint8Array> | null = null;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controllerOf = controller;
        open.add(controller);
      },
      async pull(controller) {
        try {
          const { done, value } = await reader.read();
          if (done) {
            open.delete(controller);
            controller.close();
          } else controller.enqueue(value);
        } catch (error) {
          open.delete(controller);
          controller.error(error);
        }
      },
      cancel(reason) {
        if (controllerOf) open.delete(controllerOf);
        return reader.cancel(reason);
      },
    });
    return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
  };
  return {
    fetch: tapped,
    drop() {
      for (const controller of open) {
        controller.error(new TypeError("network connection lost (dropped by the test)"));
        open.delete(controller);
      }
    },
    connections: () => connections,
  };
}
