import { telegram } from '../channels/telegram/capability.js';
import { web } from '../channels/web/capability.js';
import { zalo } from '../channels/zalo/capability.js';
import { consoleCapability } from '../console/capability.js';
import { contact } from '../contact/capability.js';
import { navigation } from '../engine/commands.js';
import { intents } from '../intents/capability.js';
import { outbound } from '../outbound/capability.js';
import { broadcast } from '../broadcast/capability.js';
import { ops } from '../http/ops.js';
import { qa } from '../knowledge/capability.js';
import { learning } from '../learning/capability.js';
import { privacy } from '../privacy/capability.js';
import { questions } from '../questions/capability.js';
import { reminders } from '../reminders/capability.js';
import { roles } from '../roles/capability.js';
import { settings } from '../settings/capability.js';
import { storage } from '../store/capability.js';
import { users } from '../users/capability.js';
import type { Capability } from './app.js';

/**
 * Everything the bot is made of. App.use registers and starts each after the capabilities that provide
 * what it needs (its `needs`), otherwise in this order, and stops them in the reverse order; a need
 * nobody provides stops start-up. Channels come before the outbound queue that sends through them.
 * Add a capability here.
 */
export const capabilities: Capability[] = [navigation, users, roles, privacy, settings, ops, consoleCapability, storage, qa, web, telegram, zalo, outbound, learning, reminders, broadcast, questions, contact, intents];
