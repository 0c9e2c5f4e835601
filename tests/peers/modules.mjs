// Re-exports the npm peers' modules for tests that live outside tests/peers: ES modules resolve bare
// specifiers from the importing file's directory, so tests import this file by relative path.
// SPDX-License-Identifier: GPL-2.0-or-later

import { webcrypto } from 'node:crypto';

// Node 18 (Debian 12's nodejs) has no global Web Crypto; nostr-tools' noble libraries need
// crypto.getRandomValues at call time.
if (globalThis.crypto === undefined) {
  globalThis.crypto = webcrypto;
}

export { default as WebSocket, WebSocketServer } from 'ws';
export * as nostrPure from 'nostr-tools/pure';
