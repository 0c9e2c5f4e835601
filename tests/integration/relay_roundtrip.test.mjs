// Integration: publish to and query the stack's Nostr relay (a real relay, over a real WebSocket).
// SPDX-License-Identifier: GPL-2.0-or-later
//
// Run with: node --test relay_roundtrip.test.mjs   (HOSTSTUDIO_RELAY_URL, or HOSTSTUDIO_STACK_DIR
// whose stack.env names the relay). The npm packages come from tests/peers (see modules.mjs there).

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { WebSocket, nostrPure } from '../peers/modules.mjs';

const { generateSecretKey, getPublicKey, finalizeEvent, verifyEvent } = nostrPure;

function relayUrl() {
  if (process.env.HOSTSTUDIO_RELAY_URL) {
    return process.env.HOSTSTUDIO_RELAY_URL;
  }
  const stackDir = process.env.HOSTSTUDIO_STACK_DIR;
  assert.ok(stackDir, 'set HOSTSTUDIO_RELAY_URL or HOSTSTUDIO_STACK_DIR');
  const env = readFileSync(path.join(stackDir, 'stack.env'), 'utf8');
  const match = env.match(/^HOSTSTUDIO_RELAY_URL=(\S+)$/m);
  assert.ok(match, `no HOSTSTUDIO_RELAY_URL in ${stackDir}/stack.env`);
  return match[1];
}

const TIMEOUT_MS = 5000;

// A small relay client: every message received is queued; next() waits for one matching a predicate.
class RelayConnection {
  constructor(url) {
    this.url = url;
    this.queue = [];
    this.waiters = [];
  }

  async open() {
    this.ws = new WebSocket(this.url);
    this.ws.on('message', (data) => {
      const message = JSON.parse(data.toString());
      this.queue.push(message);
      this.flush();
    });
    await new Promise((resolve, reject) => {
      this.ws.once('open', resolve);
      this.ws.once('error', reject);
    });
    this.ws.on('error', () => {});
  }

  flush() {
    for (const waiter of [...this.waiters]) {
      const index = this.queue.findIndex(waiter.predicate);
      if (index >= 0) {
        const [message] = this.queue.splice(index, 1);
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        clearTimeout(waiter.timer);
        waiter.resolve(message);
      }
    }
  }

  next(predicate, what) {
    return new Promise((resolve, reject) => {
      const waiter = { predicate, resolve };
      waiter.timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        reject(new Error(`timed out after ${TIMEOUT_MS} ms waiting for ${what}; unmatched: ${JSON.stringify(this.queue)}`));
      }, TIMEOUT_MS);
      this.waiters.push(waiter);
      this.flush();
    });
  }

  send(message) {
    this.ws.send(JSON.stringify(message));
  }

  async publish(event) {
    this.send(['EVENT', event]);
    return this.next((m) => m[0] === 'OK' && m[1] === event.id, `OK for ${event.id}`);
  }

  // Returns the stored events of a REQ (everything before EOSE), then closes the subscription.
  async query(subscriptionId, ...filters) {
    this.send(['REQ', subscriptionId, ...filters]);
    const events = [];
    for (;;) {
      const message = await this.next(
        (m) => (m[0] === 'EVENT' || m[0] === 'EOSE' || m[0] === 'CLOSED') && m[1] === subscriptionId,
        `events of ${subscriptionId}`);
      if (message[0] === 'EOSE') break;
      assert.notEqual(message[0], 'CLOSED', `subscription closed by the relay: ${message[2]}`);
      events.push(message[2]);
    }
    this.send(['CLOSE', subscriptionId]);
    return events;
  }

  close() {
    this.ws?.terminate();
  }
}

function now() {
  return Math.floor(Date.now() / 1000);
}

function unique(prefix) {
  return `${prefix}-${process.pid}-${Date.now()}-${Math.random().toString(16).slice(2, 10)}`;
}

describe('relay round trip', () => {
  let relay;
  const secretKey = generateSecretKey();
  const pubkey = getPublicKey(secretKey);

  before(async () => {
    relay = new RelayConnection(relayUrl());
    await relay.open();
  });

  after(() => relay?.close());

  test('relay answers NIP-11 with its information document', async () => {
    const url = relayUrl().replace(/^ws/, 'http');
    const response = await fetch(url, { headers: { Accept: 'application/nostr+json' } });
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type'), /application\/nostr\+json/);
    const info = await response.json();
    assert.equal(typeof info.name, 'string');
    assert.ok(info.supported_nips.includes(1) && info.supported_nips.includes(11), JSON.stringify(info.supported_nips));
    assert.equal(typeof info.software, 'string');
    assert.equal(typeof info.version, 'string');
    assert.equal(typeof info.limitation, 'object');
  });

  test('a kind-1 note is accepted, and a REQ by id returns exactly it, then EOSE', async () => {
    const note = finalizeEvent({
      kind: 1,
      created_at: now(),
      tags: [['t', 'hoststudio']],
      content: `hello from ${unique('note')} "quoted" \\ and\nnewline ✓`,
    }, secretKey);

    const ok = await relay.publish(note);
    assert.equal(ok[0], 'OK');
    assert.equal(ok[1], note.id);
    assert.equal(ok[2], true, `relay refused the note: ${ok[3]}`);

    const events = await relay.query(unique('by-id'), { ids: [note.id] });
    assert.equal(events.length, 1);
    const expected = { id: note.id, pubkey: note.pubkey, created_at: note.created_at, kind: note.kind, tags: note.tags, content: note.content, sig: note.sig };
    assert.deepEqual(events[0], expected);
    assert.equal(events[0].pubkey, pubkey);
    // verifyEvent caches its verdict on the object it is given: check a fresh copy.
    assert.equal(verifyEvent(structuredClone(events[0])), true);
  });

  test('an addressable 30311 update replaces the older version for the same d tag', async () => {
    const d = unique('live');
    const base = now() - 10;
    const planned = finalizeEvent({
      kind: 30311,
      created_at: base,
      tags: [['d', d], ['title', 'Planned'], ['status', 'planned']],
      content: '',
    }, secretKey);
    const live = finalizeEvent({
      kind: 30311,
      created_at: base + 1,
      tags: [['d', d], ['title', 'Live now'], ['status', 'live'], ['streaming', 'http://127.0.0.1/hls/x.m3u8']],
      content: '',
    }, secretKey);

    const first = await relay.publish(planned);
    assert.equal(first[2], true, `first version refused: ${first[3]}`);
    const second = await relay.publish(live);
    assert.equal(second[2], true, `second version refused: ${second[3]}`);

    const events = await relay.query(unique('by-d'), { kinds: [30311], authors: [pubkey], '#d': [d] });
    assert.equal(events.length, 1, `expected only the newest version, got ${JSON.stringify(events)}`);
    assert.equal(events[0].id, live.id);
    assert.equal(events[0].created_at, base + 1);
    assert.deepEqual(events[0].tags, live.tags);
    assert.equal(verifyEvent(structuredClone(events[0])), true);

    // Re-sending the old version must not bring it back.
    const stale = await relay.publish(planned);
    const again = await relay.query(unique('by-d-again'), { kinds: [30311], authors: [pubkey], '#d': [d] });
    assert.deepEqual(again.map((e) => e.id), [live.id], `stale write answered ${JSON.stringify(stale)}`);
  });

  test('an event with a broken signature is refused with OK false "invalid:"', async () => {
    const event = finalizeEvent({ kind: 1, created_at: now(), tags: [], content: unique('forged') }, secretKey);
    const lastHex = event.sig.at(-1);
    const forged = { ...event, sig: event.sig.slice(0, -1) + (lastHex === '0' ? '1' : '0') };
    assert.equal(verifyEvent(structuredClone(forged)), false, 'the forged copy should not verify');

    const ok = await relay.publish(forged);
    assert.equal(ok[1], forged.id);
    assert.equal(ok[2], false, 'relay accepted a broken signature');
    assert.match(ok[3], /^invalid:/);

    const events = await relay.query(unique('forged'), { ids: [forged.id] });
    assert.deepEqual(events, [], 'the forged event must not be stored');
  });
});
