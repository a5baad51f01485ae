import { describe, expect, it } from 'vitest';
import { render } from '../../../src/channels/telegram/render.js';

const asIs = async (v: string) => v;

describe('rendering replies for Telegram', () => {
  it('escapes everything for HTML parse mode and puts choices under the text', async () => {
    const [msg] = await render([{ text: 'Anh/Chị gõ <b>"A & B"</b>', choices: [{ label: 'Có', value: 'yes' }, { label: 'Không', value: 'no' }] }], asIs);
    expect(msg).toEqual({
      method: 'sendMessage',
      html: 'Anh/Chị gõ &lt;b&gt;&quot;A &amp; B&quot;&lt;/b&gt;',
      keyboard: [[{ text: 'Có', callback_data: 'yes' }, { text: 'Không', callback_data: 'no' }]],
    });
  });

  it('gives long labels a row each', async () => {
    const [msg] = await render([{ text: 'Chọn', choices: [{ label: 'Đăng ký Công dân học tập', value: 'a' }, { label: 'B', value: 'b' }] }], asIs);
    expect(msg?.method === 'sendMessage' && msg.keyboard?.map((r) => r.length)).toEqual([1, 1]);
  });

  it('puts the keyboard under the last piece of a long text only', async () => {
    const text = Array.from({ length: 10 }, () => 'x'.repeat(1000)).join('\n\n');
    const out = await render([{ text, choices: [{ label: 'OK', value: 'ok' }] }], asIs);
    expect(out.length).toBe(3);
    expect(out.map((o) => o.method === 'sendMessage' && Boolean(o.keyboard))).toEqual([false, false, true]);
  });

  it('shows a public web link as a URL button, other links (and the bot\'s own local address) as text, and a file as a document after its text', async () => {
    const out = await render(
      [
        { text: 'Lịch', link: { label: 'Mở lịch', url: 'https://example.vn/lich.ics' }, file: { name: 'lich.ics', mime: 'text/calendar', content: 'BEGIN:VCALENDAR' } },
        { text: 'Gọi', link: { label: 'Số', url: 'tel:0912345678' } },
        { text: 'Tải', link: { label: 'Lịch', url: 'http://127.0.0.1:3000/api/calendar/x.ics' } },
      ],
      asIs,
    );
    expect(out).toEqual([
      { method: 'sendMessage', html: 'Lịch', keyboard: [[{ text: 'Mở lịch', url: 'https://example.vn/lich.ics' }]] },
      { method: 'sendDocument', name: 'lich.ics', mime: 'text/calendar', content: 'BEGIN:VCALENDAR' },
      { method: 'sendMessage', html: 'Gọi\n\nSố: tel:0912345678' },
      { method: 'sendMessage', html: 'Tải\n\nLịch: http://127.0.0.1:3000/api/calendar/x.ics' },
    ]);
  });

  it('encodes every choice value through the given mapping', async () => {
    const [msg] = await render([{ text: 'x', choices: [{ label: 'A', value: '/reported 123' }] }], async (v) => `#${v.length}`);
    expect(msg?.method === 'sendMessage' && msg.keyboard).toEqual([[{ text: 'A', callback_data: '#13' }]]);
  });

  it('sends media Telegram can fetch (its own file ids, web addresses) after the text, and leaves out other platforms\' file ids', async () => {
    const out = await render(
      [
        {
          text: 'Minh chứng',
          media: [
            { kind: 'photo', fileId: 'AgAC-1', channel: 'telegram', caption: '1. Lớp học' },
            { kind: 'document', fileId: 'https://files.example.vn/a.pdf', channel: 'zalo' },
            { kind: 'photo', fileId: 'zalo-private-id', channel: 'zalo' },
          ],
        },
      ],
      asIs,
    );
    expect(out).toEqual([
      { method: 'sendMessage', html: 'Minh chứng' },
      { method: 'sendMedia', kind: 'photo', file: 'AgAC-1', caption: '1. Lớp học' },
      { method: 'sendMedia', kind: 'document', file: 'https://files.example.vn/a.pdf' },
    ]);
  });
});
