/** A button answer returned as the body of the webhook response, which Telegram then makes itself. */
export interface ButtonAnswerInResponse {
  method: 'answerCallbackQuery';
  callback_query_id: string;
  text?: string;
}

/** In webhook mode, a reply slower than this gets its button answered through the API instead, so the button stops spinning. */
export const LATE_ANSWER_MS = 1000;

/**
 * Every button press is answered exactly once. In polling mode through the API at once (alongside
 * the work). In webhook mode, the answer rides in the webhook response when the reply is ready in
 * time, which saves a Bot API call per press (nothing is lost: its result is never needed); a slow
 * reply (e.g. waiting out a 429) has it answered through the API after LATE_ANSWER_MS.
 */
export class ButtonAnswer {
  private text?: string;
  private viaApi?: Promise<void>;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly id: string,
    private readonly inResponse: boolean,
    private readonly callApi: (id: string, text?: string) => Promise<void>,
  ) {}

  /** A short notice shown over the chat instead of a plain answer. */
  toast(text: string): void {
    this.text = text;
  }

  /** The bot starts working on the press. */
  start(): void {
    if (!this.inResponse) this.answerNow();
    else this.timer ??= setTimeout(() => this.answerNow(), LATE_ANSWER_MS);
  }

  private answerNow(): void {
    this.viaApi ??= this.callApi(this.id, this.text);
  }

  /** Done with the press: what to return in the webhook response, if the answer goes there. */
  async settle(): Promise<ButtonAnswerInResponse | undefined> {
    clearTimeout(this.timer);
    if (!this.inResponse) this.answerNow();
    if (this.viaApi) {
      await this.viaApi;
      return undefined;
    }
    this.viaApi = Promise.resolve();
    return { method: 'answerCallbackQuery', callback_query_id: this.id, ...(this.text ? { text: this.text } : {}) };
  }
}
