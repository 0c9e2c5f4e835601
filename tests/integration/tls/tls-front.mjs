#!/usr/bin/env node
// A TLS front for the RTMPS certificate tests: accepts TLS on 127.0.0.1 with the given certificate
// and forwards the plain bytes to a TCP port (the stack's RTMP ingest), as nginx's RTMPS front does.
// Prints "ready PORT" once listening, and "handshake" lines for connections that completed TLS.
// SPDX-License-Identifier: GPL-2.0-or-later
//
// Usage: node tls-front.mjs CERT_PEM KEY_PEM TARGET_PORT   (listens on a free port)

import { readFileSync } from 'node:fs';
import net from 'node:net';
import process from 'node:process';
import tls from 'node:tls';

const [certFile, keyFile, targetPort] = process.argv.slice(2);
if (!certFile || !keyFile || !targetPort) {
  process.stderr.write('usage: node tls-front.mjs CERT_PEM KEY_PEM TARGET_PORT\n');
  process.exit(2);
}

const server = tls.createServer({ cert: readFileSync(certFile), key: readFileSync(keyFile) }, (client) => {
  process.stdout.write('handshake\n');
  const upstream = net.connect({ host: '127.0.0.1', port: Number(targetPort) });
  client.pipe(upstream).pipe(client);
  const close = () => {
    client.destroy();
    upstream.destroy();
  };
  client.on('error', close).on('close', close);
  upstream.on('error', close).on('close', close);
});
server.on('tlsClientError', () => process.stdout.write('refused-by-client\n'));
server.listen(0, '127.0.0.1', () => process.stdout.write(`ready ${server.address().port}\n`));
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => process.exit(0));
}
