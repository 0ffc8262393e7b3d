/** An answer the sidecar gives on purpose: status, a stable code and a message meant for a person. */
export class HttpError extends Error {
  readonly status: number;
  readonly code: string;
  readonly body: Record<string, unknown> | undefined;
  constructor(status: number, code: string, message: string, body?: Record<string, unknown>) {
    super(message);
    this.name = "HttpError";
    this.status = status;
    this.code = code;
    this.body = body;
  }
}
