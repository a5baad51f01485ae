import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { App, type Capability } from '../../src/app/app.js';
import { capabilities } from '../../src/app/capabilities.js';
import { orderByNeeds, Provision } from '../../src/app/provision.js';
import { configSchema } from '../../src/config.js';
import { createLogger } from '../../src/core/logger.js';

/** An app that reads files only: its client never connects. */
function fileOnlyApp(): { app: App; close(): void } {
  const redis = new Redis({ lazyConnect: true });
  const app = new App({ config: configSchema.parse({ LOG_LEVEL: 'silent' }), log: createLogger('silent'), redis });
  return { app, close: () => redis.disconnect() };
}

const names = (list: readonly Capability[]) => list.map((c) => c.name);

describe('capabilities that say what they need', () => {
  it('fail start-up naming the missing need, before any capability registers', async () => {
    const { app, close } = fileOnlyApp();
    try {
      const withoutReminders = capabilities.filter((c) => c.name !== 'reminders');
      await expect(app.use(...withoutReminders)).rejects.toThrow('capability "broadcast" needs "reminders", which no capability provides: add the one that does');
      // Nothing half-registered: not one admin command.
      expect(app.admin.usage()).toEqual([]);
    } finally {
      close();
    }
  });

  it('register after what they need, whatever order they are listed in', async () => {
    const moved = [...capabilities.filter((c) => c.name !== 'reminders' && c.name !== 'outbound'), ...capabilities.filter((c) => c.name === 'reminders' || c.name === 'outbound').reverse()];
    const order = names(orderByNeeds(moved));
    expect(order.indexOf('outbound')).toBeLessThan(order.indexOf('learning'));
    expect(order.indexOf('outbound')).toBeLessThan(order.indexOf('reminders'));
    expect(order.indexOf('reminders')).toBeLessThan(order.indexOf('broadcast'));
    // The shipped list needs no moving.
    expect(names(orderByNeeds(capabilities))).toEqual(names(capabilities));

    const { app, close } = fileOnlyApp();
    try {
      await app.use(...moved);
      expect(app.admin.find(['broadcast', 'list'])).toBeDefined();
      expect(app.admin.find(['reminders', 'preview'])).toBeDefined();
    } finally {
      close();
    }
  });

  it('say which capability forgot to provide what it declared, and refuse needs in a circle', async () => {
    const { app, close } = fileOnlyApp();
    const a = new Provision<number>('a number');
    const b = new Provision<string>('a word');
    try {
      await expect(app.use({ name: 'forgetful', provides: [a], register: () => undefined })).rejects.toThrow('capability "forgetful" did not provide "a number"');
      expect(() => orderByNeeds([
        { name: 'x', provides: [a], needs: [b] },
        { name: 'y', provides: [b], needs: [a] },
      ])).toThrow('capabilities "x", "y" need each other in a circle');
      expect(() => app.need(b)).toThrow('"a word" is needed but no registered capability provides it');
    } finally {
      close();
    }
  });
});
