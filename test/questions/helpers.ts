import { expect } from 'vitest';
import type { TestApp } from '../support/app.js';
import { textOf } from '../support/app.js';

/** Someone of `area` asks what the plans do not answer and sends it to the officers, as in the chat. */
export async function askOfficers(t: TestApp, user: string, area: string, question: string): Promise<void> {
  await t.send(user, '/start');
  await t.app.users.setArea(user, area);
  const declined = await t.send(user, question);
  expect(textOf(declined), question).toContain('chưa tìm thấy nội dung phù hợp');
  expect(textOf(await t.send(user, { choice: 'send' }))).toContain('Đã gửi câu hỏi');
}
