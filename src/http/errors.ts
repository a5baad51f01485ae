/** An answer other than 200, with the text the client reads in `{"error": "..."}`. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The largest body a route takes unless it says otherwise (uploads, Telegram updates). */
export const DEFAULT_BODY_LIMIT = 64 * 1024;
