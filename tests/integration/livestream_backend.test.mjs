// Integration: the livestream backend peer speaks the seed backend's protocol and is as strict as the
// real backend: every HTTP route's shape and errors, status words and placeholders, and the Socket.IO
// side with real media (an ffmpeg-made Matroska clip in, HLS out): the 1000-byte gate on the first
// chunk, chunks dropped before the asynchronous setup finished, an end-stream lost when it is read
// together with the disconnect, the inactivity monitor, stream-ended then the SIGKILL stream-error,
// the events the broadcaster never gets; and each --kind switch that turns one quirk off.
// SPDX-License-Identifier: GPL-2.0-or-later
//
// Starts its own backends (port 0, a short idle timeout) so their state is private; also checks that
// the stack's backend answers when HOSTSTUDIO_STACK_DIR names a running stack.
// Run with: node --test livestream_backend.test.mjs

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';

const here = path.dirname(fileURLToPath(import.meta.url));
const peers = path.join(here, '..', 'peers');
const backendScript = path.join(peers, 'livestream-backend.mjs');
// socket.io-client and ws are installed with the peers; resolve them from there.
const requirePeer = createRequire(path.join(peers, 'package.json'));
const { io: connectSocket } = requirePeer('socket.io-client');
const WebSocket = requirePeer('ws');

const IDLE_TIMEOUT_MS = 3000; // the monitor checks every third of it
const GATE_BYTES = 1000;
const backends = []; // every backend a test started: {process, url, dataDir}
let baseUrl; // the faithful backend most tests use
let dataDir;
let clip; // Matroska (H.264 + AAC, 320x240, 8 s) as ffmpeg writes it to a pipe
let headerBytes; // the clip's header: everything before its first Cluster
const sockets = [];
const rawClients = [];

async function startBackend(extraArguments = []) {
  const directory = mkdtempSync(path.join(os.tmpdir(), 'livestream-backend-test-'));
  const child = spawn(process.execPath, [backendScript, '--host', '127.0.0.1', '--port', '0',
    '--data-dir', directory, '--idle-timeout-ms', String(IDLE_TIMEOUT_MS), '--log', path.join(directory, 'events.jsonl'),
    ...extraArguments],
  { stdio: ['ignore', 'pipe', 'inherit'] });
  const backend = { process: child, dataDir: directory, url: undefined };
  backends.push(backend);
  backend.url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the backend did not start in 10 s')), 10000);
    let seen = '';
    child.stdout.on('data', (chunk) => {
      seen += chunk;
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(seen);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.on('exit', (code) => reject(new Error(`the backend exited with ${code}`)));
  });
  return backend;
}

async function api(method, pathSuffix, { body, rawBody, contentType, url = baseUrl } = {}) {
  const headers = {};
  let payload;
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    payload = JSON.stringify(body);
  } else if (rawBody !== undefined) {
    payload = rawBody;
    if (contentType) {
      headers['Content-Type'] = contentType;
    }
  }
  const response = await fetch(`${url}${pathSuffix}`, {
    method, headers, body: payload, signal: AbortSignal.timeout(10000),
  });
  const buffer = Buffer.from(await response.arrayBuffer());
  let json;
  try {
    json = JSON.parse(buffer.toString('utf8'));
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, buffer, text: buffer.toString('utf8'), json };
}

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const uniqueId = (prefix) => `${prefix}-${process.pid}-${Date.now()}-${Math.floor(Math.random() * 1e6)}`;
const pubkey = 'a'.repeat(64);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(check, what, timeoutMs = 15000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) {
      return value;
    }
    if (Date.now() > deadline) {
      throw new Error(`${what}: not within ${timeoutMs} ms`);
    }
    await sleep(100);
  }
}

const eventsOf = async (url = baseUrl) => (await api('GET', '/__events', { url })).json;
const healthListed = async (id, url = baseUrl) =>
  (await api('GET', '/livestream/health', { url })).json.activeStreams.streams.find((s) => s.streamKey === id);
// The playlist as a file, read without asking the backend (asking makes a placeholder).
const playlistFile = (id, directory = dataDir) => {
  try {
    return readFileSync(path.join(directory, id, 'stream.m3u8'), 'utf8');
  } catch {
    return null;
  }
};
// A socket's setup finished when the stream takes input; polling is the only acknowledgement.
const waitForSetup = (id, url = baseUrl) => waitFor(async () =>
  (await api('GET', `/livestream/${id}/status`, { url })).json.local.streamData?.hasInputStream, `setup of ${id}`);
const segmentsOf = async (id, url = baseUrl) =>
  (await api('GET', `/livestream/${id}/status`, { url })).json.local.files.filter((name) => name.endsWith('.ts'));

// A connected Socket.IO client (websocket transport only, as the web studio used) that records events.
async function connect(url = baseUrl) {
  const socket = connectSocket(url, { transports: ['websocket'], reconnection: false, timeout: 5000 });
  sockets.push(socket);
  socket.received = [];
  socket.onAny((name, payload) => socket.received.push({ name, payload }));
  await new Promise((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  return socket;
}

// Resolves with the payload of the first `name` event (already received or future) that `accept`s.
function nextEvent(socket, name, { accept = () => true, timeoutMs = 15000 } = {}) {
  const seen = socket.received.find((event) => event.name === name && accept(event.payload));
  if (seen) {
    return Promise.resolve(seen.payload);
  }
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off(name, listener);
      reject(new Error(`no ${name} within ${timeoutMs} ms; received: ${JSON.stringify(socket.received.map((e) => e.name))}`));
    }, timeoutMs);
    const listener = (payload) => {
      if (accept(payload)) {
        clearTimeout(timer);
        socket.off(name, listener);
        resolve(payload);
      }
    };
    socket.on(name, listener);
  });
}

const count = (socket, name, accept = () => true) =>
  socket.received.filter((event) => event.name === name && accept(event.payload)).length;

// Sends clip[from, to) as stream-data chunks: the first one `firstChunkBytes` long, then
// `chunkBytes` each, one every `intervalMs`. Returns a handle whose stop() ends it early.
function sendClip(send, { from = 0, to = clip.length, firstChunkBytes, chunkBytes = 8192, intervalMs = 200 } = {}) {
  const handle = { stopped: false, sent: 0 };
  handle.stop = () => { handle.stopped = true; };
  handle.done = (async () => {
    let offset = from;
    let size = firstChunkBytes ?? chunkBytes;
    while (offset < to && !handle.stopped) {
      const end = Math.min(to, offset + size);
      send(clip.subarray(offset, end));
      handle.sent += 1;
      offset = end;
      size = chunkBytes;
      if (offset < to) {
        await sleep(intervalMs);
      }
    }
  })();
  return handle;
}

// Socket.IO v5 over Engine.IO v4 by hand, on a `ws` WebSocket: to control what goes out in which TCP write.
async function rawConnect(url = baseUrl) {
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`);
  const client = { ws, received: [], sid: undefined };
  rawClients.push(client);
  let connected;
  const connectedPromise = new Promise((resolve) => { connected = resolve; });
  ws.on('message', (data, isBinary) => {
    if (isBinary) {
      return;
    }
    const text = data.toString('utf8');
    if (text === '2') {
      ws.send('3'); // the server pings, the client answers
    } else if (text.startsWith('0')) {
      ws.send('40'); // Engine.IO open → Socket.IO connect to the main namespace
    } else if (text.startsWith('40')) {
      client.sid = JSON.parse(text.slice(2)).sid;
      connected();
    } else if (text.startsWith('42')) {
      const [name, payload] = JSON.parse(text.slice(2));
      client.received.push({ name, payload });
    }
  });
  await new Promise((resolve, reject) => {
    ws.once('error', reject);
    connectedPromise.then(resolve);
  });
  client.emit = (name, payload) => ws.send(`42${JSON.stringify([name, payload])}`);
  client.sendData = (streamKey, chunk) => {
    ws.send(`451-${JSON.stringify(['stream-data', { streamKey, chunk: { _placeholder: true, num: 0 } }])}`);
    ws.send(chunk); // the attachment, as a binary frame
  };
  client.has = (name) => client.received.some((event) => event.name === name);
  client.close = () => new Promise((resolve) => {
    if (ws.readyState === WebSocket.CLOSED) {
      resolve();
      return;
    }
    ws.once('close', resolve);
    ws.close();
  });
  return client;
}

// A client-to-server WebSocket text frame (FIN, masked), built by hand.
function maskedTextFrame(text) {
  const payload = Buffer.from(text, 'utf8');
  assert.ok(payload.length < 65536);
  const header = payload.length < 126 ? Buffer.from([0x81, 0x80 | payload.length]) : Buffer.from([0x81, 0x80 | 126, 0, 0]);
  if (payload.length >= 126) {
    header.writeUInt16BE(payload.length, 2);
  }
  const mask = randomBytes(4);
  const masked = Buffer.alloc(payload.length);
  for (let index = 0; index < payload.length; index += 1) {
    masked[index] = payload[index] ^ mask[index % 4];
  }
  return Buffer.concat([header, mask, masked]);
}

before(async () => {
  const made = spawnSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-nostdin',
    '-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=25', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000',
    '-t', '8', '-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-g', '25', '-pix_fmt', 'yuv420p',
    '-c:a', 'aac', '-b:a', '64k', '-f', 'matroska', 'pipe:1'], { maxBuffer: 64 * 1024 * 1024, timeout: 60000 });
  assert.equal(made.status, 0, `ffmpeg could not make the clip: ${made.stderr}`);
  clip = made.stdout;
  headerBytes = clip.indexOf(Buffer.from([0x1f, 0x43, 0xb6, 0x75])); // the first Cluster's id
  assert.ok(headerBytes > 0 && headerBytes <= GATE_BYTES, `a header of ${headerBytes} bytes`);
  const main = await startBackend();
  baseUrl = main.url;
  dataDir = main.dataDir;
});

after(async () => {
  for (const socket of sockets) {
    socket.disconnect();
  }
  for (const client of rawClients) {
    client.ws.terminate();
  }
  for (const backend of backends) {
    if (backend.process.exitCode === null && backend.process.signalCode === null) {
      const exited = new Promise((resolve) => backend.process.once('exit', resolve));
      backend.process.kill('SIGTERM');
      await exited;
    }
    rmSync(backend.dataDir, { recursive: true, force: true });
  }
});

describe('HTTP API', () => {
  test('health', async () => {
    const result = await api('GET', '/livestream/health');
    assert.equal(result.status, 200);
    assert.equal(result.json.status, 'healthy');
    assert.match(result.json.timestamp, ISO);
    assert.deepEqual(result.json.streamsDirectory, { exists: true, path: dataDir });
    assert.equal(typeof result.json.activeStreams.count, 'number');
    assert.ok(Array.isArray(result.json.activeStreams.streams));
    assert.equal(result.json.activeStreams.count, result.json.activeStreams.streams.length);
    assert.equal(typeof result.json.memoryUsage.rss, 'number');
  });

  test('start creates, a second start finds it, active lists it, playback names it, stop makes it inactive',
    async () => {
      const id = uniqueId('http');
      const body = { action: 'start', userId: pubkey, timestamp: Date.now(), title: 'Talk', description: 'About it' };
      const first = await api('POST', `/livestream/${id}/start`, { body });
      assert.equal(first.status, 200, first.text);
      assert.deepEqual(Object.keys(first.json).sort(),
        ['ingestUrl', 'message', 'playbackUrl', 'status', 'streamId', 'timestamp']);
      assert.equal(first.json.status, 'created_and_started');
      assert.equal(first.json.streamId, id);
      assert.equal(first.json.playbackUrl, `${baseUrl}/livestream/${id}/stream.m3u8`, 'points at the backend itself');
      assert.match(first.json.ingestUrl, /^ws:\/\/127\.0\.0\.1:\d+\/socket\.io\//);
      assert.match(first.json.timestamp, ISO);

      const second = await api('POST', `/livestream/${id}/start`, { body });
      assert.equal(second.status, 200);
      assert.equal(second.json.status, 'already_exists');
      assert.equal(second.json.playbackUrl, first.json.playbackUrl);

      const active = await api('GET', '/livestream/active');
      assert.equal(active.status, 200);
      assert.equal(active.json.count, active.json.streams.length);
      const listed = active.json.streams.find((stream) => stream.streamId === id);
      assert.deepEqual(Object.keys(listed).sort(),
        ['ingestUrl', 'isActive', 'playbackUrl', 'startedAt', 'status', 'streamId', 'userId']);
      assert.equal(listed.userId, pubkey);
      assert.equal(listed.status, 'active');
      assert.equal(listed.isActive, true);

      const playback = await api('GET', `/livestream/${id}/playback`);
      assert.equal(playback.status, 200);
      assert.deepEqual(playback.json, { streamId: id, playbackUrl: first.json.playbackUrl,
        ingestUrl: first.json.ingestUrl, status: 'active' });

      const stopBody = { action: 'stop', userId: pubkey, timestamp: Date.now() };
      const stop = await api('POST', `/livestream/${id}/stop`, { body: stopBody });
      assert.equal(stop.status, 200);
      assert.deepEqual(Object.keys(stop.json).sort(), ['message', 'status', 'streamId', 'timestamp']);
      assert.equal(stop.json.status, 'stopped');
      // The stream still exists (inactive): stopping it again is "stopped" again.
      assert.equal((await api('POST', `/livestream/${id}/stop`, { body: stopBody })).json.status, 'stopped');
      assert.equal((await api('POST', `/livestream/${uniqueId('never')}/stop`, { body: stopBody })).json.status,
        'already_stopped');
      // /active lists every stream of the registry, the stopped one too.
      const afterStop = (await api('GET', '/livestream/active')).json.streams.find((stream) => stream.streamId === id);
      assert.equal(afterStop.status, 'inactive');
      assert.equal(afterStop.isActive, false);
    });

  test('errors: wrong action 400, unknown playback 404, no body 500 with its message, bad JSON 400', async () => {
    const id = uniqueId('errors');
    const wrong = await api('POST', `/livestream/${id}/start`, { body: { action: 'begin', userId: pubkey } });
    assert.equal(wrong.status, 400);
    assert.deepEqual(wrong.json, { error: 'Invalid action. Use "start"' });
    const wrongStop = await api('POST', `/livestream/${id}/stop`, { body: { action: 'start' } });
    assert.equal(wrongStop.status, 400);
    assert.deepEqual(wrongStop.json, { error: 'Invalid action. Use "stop"' });

    const missing = await api('GET', `/livestream/${id}/playback`);
    assert.equal(missing.status, 404);
    assert.deepEqual(missing.json, { error: 'Stream not found' });

    const noBody = await api('POST', `/livestream/${id}/start`);
    assert.equal(noBody.status, 500);
    assert.equal(noBody.json.error, 'Internal server error');
    assert.match(noBody.json.message, /request\.body/);

    const badJson = await api('POST', `/livestream/${id}/start`, { rawBody: '{"action":', contentType: 'application/json' });
    assert.equal(badJson.status, 400);
    assert.equal(badJson.json.error, 'Bad Request');

    const noSegment = await api('GET', `/livestream/${id}/segment_0.ts`);
    assert.equal(noSegment.status, 404);
    assert.deepEqual(noSegment.json, { error: 'Segment not found' });
    const traversal = await api('GET', '/livestream/..%2F..%2Fetc/status');
    assert.equal(traversal.status, 400);
  });

  test('status and stream.m3u8 of an unknown id make a placeholder that health lists', async () => {
    const id = uniqueId('never-started');
    assert.equal(await healthListed(id), undefined);
    const result = await api('GET', `/livestream/${id}/status`);
    assert.equal(result.status, 200);
    assert.equal(result.json.streamId, id);
    assert.deepEqual(Object.keys(result.json.local).sort(),
      ['files', 'isActive', 'manifestContent', 'manifestExists', 'streamData', 'streamDirExists']);
    assert.equal(result.json.local.isActive, true);
    const data = result.json.local.streamData;
    assert.deepEqual({ userId: data.userId, viewers: data.viewers, hasFfmpegCommand: data.hasFfmpegCommand,
      hasInputStream: data.hasInputStream, broadcasterSocketId: data.broadcasterSocketId, status: data.status },
    { userId: 'anonymous', viewers: 0, hasFfmpegCommand: false, hasInputStream: false, broadcasterSocketId: null,
      status: 'waiting_for_broadcaster' });
    assert.match(data.startedAt, ISO);
    assert.deepEqual(result.json.cloudinary, { status: 'not_found', message: 'Stream not found' });
    assert.deepEqual(result.json.overall, { isActive: true, hasManifest: true, hasStreamDir: true,
      hasVideoContent: false });
    assert.match(result.json.local.manifestContent, /^#EXTM3U/);
    assert.doesNotMatch(result.json.local.manifestContent, /\.ts|#EXT-X-ENDLIST/);
    assert.deepEqual(result.json.local.files, ['stream.m3u8']);
    assert.deepEqual(await healthListed(id), { streamKey: id, userId: 'anonymous', startedAt: data.startedAt,
      viewers: 0, hasFfmpegCommand: false, hasInputStream: false });

    const other = uniqueId('polled-playlist');
    const playlist = await api('GET', `/livestream/${other}/stream.m3u8`);
    assert.equal(playlist.status, 200);
    assert.match(playlist.headers.get('content-type'), /application\/vnd\.apple\.mpegurl/);
    assert.match(playlist.text, /^#EXTM3U/);
    assert.doesNotMatch(playlist.text, /\.ts/);
    assert.equal((await healthListed(other)).userId, 'anonymous');
  });

  test('status words: "active" from /start on without any video, "inactive" after /stop', async () => {
    const id = uniqueId('words');
    await api('POST', `/livestream/${id}/start`, { body: { action: 'start', userId: pubkey, timestamp: Date.now() } });
    const started = (await api('GET', `/livestream/${id}/status`)).json;
    assert.deepEqual(Object.keys(started.cloudinary).sort(),
      ['createdAt', 'isActive', 'status', 'streamId', 'updatedAt', 'userId']);
    assert.equal(started.cloudinary.status, 'active');
    assert.equal(started.cloudinary.isActive, true);
    assert.equal(started.cloudinary.userId, pubkey);
    assert.match(started.cloudinary.createdAt, ISO);
    assert.equal(started.overall.hasVideoContent, false, 'no video: only hasVideoContent says so');
    assert.equal(started.local.streamData.userId, pubkey, '/start made the placeholder');
    assert.equal(started.local.streamData.hasInputStream, false);

    await api('POST', `/livestream/${id}/stop`, { body: { action: 'stop', userId: pubkey, timestamp: Date.now() } });
    const stopped = (await api('GET', `/livestream/${id}/status`)).json;
    assert.equal(stopped.cloudinary.status, 'inactive');
    assert.equal(stopped.cloudinary.isActive, false);
    assert.equal(stopped.overall.isActive, true, 'the local placeholder stays');
  });

  test('rtmp-key: string formatting only', async () => {
    const id = uniqueId('key');
    const result = await api('POST', `/livestream/${id}/rtmp-key`, { body: { publicKey: pubkey } });
    assert.equal(result.status, 200);
    assert.deepEqual(Object.keys(result.json).sort(), ['message', 'rtmpUrl', 'streamId', 'streamKey', 'timestamp']);
    assert.equal(result.json.streamId, id);
    assert.ok(result.json.rtmpUrl.endsWith(`/${result.json.streamKey}`));
    assert.ok(result.json.streamKey.startsWith(id));
  });

  test('unknown routes 404', async () => {
    assert.equal((await api('GET', '/livestream/x/nothing')).status, 404);
    assert.equal((await api('DELETE', '/livestream/x/start')).status, 404);
  });

  test('injected fault: a 500 with its message, once', async () => {
    const injected = await api('POST', '/__faults', { body: { mode: 'status500', message: 'database is down' } });
    assert.equal(injected.status, 200);
    const failed = await api('GET', '/livestream/active');
    assert.equal(failed.status, 500);
    assert.deepEqual(failed.json, { error: 'Internal server error', message: 'database is down' });
    assert.equal((await api('GET', '/livestream/active')).status, 200);
  });
});

describe('Socket.IO, as strict as the real backend', () => {
  test('connect: room general and channel-join; chat reaches everyone in the room', async () => {
    const first = await connect();
    const second = await connect();
    assert.deepEqual(await nextEvent(first, 'channel-join'), { channel: 'general', nickname: 'system' });
    const message = { channel: 'general', content: `hello ${uniqueId('chat')}`, sender: pubkey };
    first.emit('channel-message', message);
    assert.deepEqual(await nextEvent(second, 'channel-message', { accept: (m) => m.content === message.content }), message);
    assert.deepEqual(await nextEvent(first, 'channel-message', { accept: (m) => m.content === message.content }), message);
  });

  test('gate: a first chunk of only the header (<= 1000 bytes) means no ffmpeg, ever', async () => {
    const id = uniqueId('gate-closed');
    const broadcaster = await connect();
    broadcaster.emit('start-stream', { userId: pubkey, streamKey: id });
    await waitForSetup(id);
    const sending = sendClip((chunk) => broadcaster.emit('stream-data', { streamKey: id, chunk }),
      { firstChunkBytes: headerBytes, chunkBytes: 32768, intervalMs: 20 });
    await sending.done;
    const expectedChunks = sending.sent;
    await waitFor(async () => (await api('GET', `/livestream/${id}/status`)).json.local.streamData.chunks === expectedChunks,
      'every chunk counted');
    // A start-stream now reuses the setup (ffmpeg has not started): stream-started at once, the gate stays shut.
    broadcaster.emit('start-stream', { userId: pubkey, streamKey: id });
    assert.deepEqual(await nextEvent(broadcaster, 'stream-started'),
      { streamKey: id, status: 'broadcasting', message: 'Stream already active, reusing existing setup' });
    broadcaster.emit('stream-data', { streamKey: id, chunk: clip.subarray(0, 65536) });
    await sleep(1500);

    assert.equal(count(broadcaster, 'stream-started'), 1, 'only the reuse answer');
    const status = (await api('GET', `/livestream/${id}/status`)).json;
    assert.equal(status.local.streamData.chunks, expectedChunks + 1, 'the chunks are taken and kept');
    assert.equal(status.local.streamData.bytes, clip.length + 65536);
    assert.equal(status.local.streamData.broadcasting, false);
    assert.equal(status.local.streamData.hasInputStream, true);
    assert.equal(status.local.streamData.status, 'active');
    assert.deepEqual(status.local.files.filter((name) => name.endsWith('.ts')), [], 'no segments');
    assert.doesNotMatch(status.local.manifestContent, /\.ts/);
    assert.equal(status.overall.hasVideoContent, false);
    const events = await eventsOf();
    assert.deepEqual(events.filter((e) => e.kind === 'gate' && e.streamKey === id).map((e) => [e.bytes, e.open]),
      [[headerBytes, false]], 'checked once, on the first chunk');
    assert.ok(!events.some((e) => e.kind === 'ffmpeg-start' && e.streamKey === id));
    assert.equal(count(broadcaster, 'stream-segments-updated'), 0);
  });

  test('broadcast: header + media first, stream-started, playable HLS, viewers, end-stream then the SIGKILL error',
    async () => {
      const id = uniqueId('live');
      const broadcaster = await connect();
      broadcaster.emit('start-stream', { userId: pubkey, streamKey: id });
      await waitForSetup(id);
      const firstChunkBytes = headerBytes + 8192;
      const sending = sendClip((chunk) => broadcaster.emit('stream-data', { streamKey: id, chunk }),
        { firstChunkBytes, chunkBytes: 8192, intervalMs: 220 });
      let viewer1;
      try {
        const started = await nextEvent(broadcaster, 'stream-started');
        assert.deepEqual(started, { streamKey: id, status: 'broadcasting' });
        assert.ok(sending.sent >= 1, 'stream-started only after the first chunk');
        const gate = (await eventsOf()).find((e) => e.kind === 'gate' && e.streamKey === id);
        assert.deepEqual([gate.bytes, gate.open], [firstChunkBytes, true]);

        viewer1 = await connect();
        viewer1.emit('join-stream', { streamKey: id, userId: 'viewer-1' });
        assert.deepEqual(await nextEvent(viewer1, 'stream-joined'), { streamKey: id, viewerCount: 1 });
        assert.deepEqual(await nextEvent(broadcaster, 'viewer-joined', { accept: (v) => v.viewerCount === 1 }),
          { streamKey: id, viewerCount: 1 });
        const viewer2 = await connect();
        viewer2.emit('join-stream', { streamKey: id, userId: 'viewer-2' });
        assert.deepEqual(await nextEvent(viewer2, 'stream-joined'), { streamKey: id, viewerCount: 2 });
        assert.deepEqual(await nextEvent(broadcaster, 'viewer-joined', { accept: (v) => v.viewerCount === 2 }),
          { streamKey: id, viewerCount: 2 });

        // Segments: announced to the room on the following chunks, but never to the sender.
        const update = await nextEvent(viewer1, 'stream-segments-updated',
          { accept: (u) => u.streamKey === id && u.segmentCount >= 2, timeoutMs: 20000 });
        assert.ok(update.segmentCount >= 2);
        const manifest = await api('GET', `/livestream/${id}/stream.m3u8`);
        assert.equal(manifest.status, 200);
        assert.match(manifest.headers.get('content-type'), /application\/vnd\.apple\.mpegurl/);
        assert.match(manifest.text, /^#EXTM3U/);
        const firstSegment = /^(segment_\d+\.ts)$/m.exec(manifest.text)[1];
        const segment = await api('GET', `/livestream/${id}/${firstSegment}`);
        assert.equal(segment.status, 200);
        assert.equal(segment.headers.get('content-type'), 'video/mp2t');
        assert.equal(segment.buffer[0], 0x47, 'an MPEG-TS sync byte');

        const probe = spawnSync('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_type,codec_name,width,height',
          '-of', 'json', `${baseUrl}/livestream/${id}/stream.m3u8`], { encoding: 'utf8', timeout: 20000 });
        assert.equal(probe.status, 0, `ffprobe failed: ${probe.stderr}`);
        const streams = JSON.parse(probe.stdout).streams;
        const video = streams.find((stream) => stream.codec_type === 'video');
        const audio = streams.find((stream) => stream.codec_type === 'audio');
        assert.equal(video.codec_name, 'h264');
        assert.equal(video.width, 320);
        assert.equal(video.height, 240);
        assert.equal(audio.codec_name, 'aac');

        const status = (await api('GET', `/livestream/${id}/status`)).json;
        assert.equal(status.overall.hasVideoContent, true);
        assert.equal(status.local.manifestExists, true);
        assert.ok(status.local.files.includes('stream.m3u8'));
        assert.match(status.local.manifestContent, /#EXTM3U/);
        assert.ok(status.local.streamData.chunks >= 1);
        assert.equal(status.local.streamData.broadcasting, true);
        assert.equal(status.local.streamData.viewers, 2);
        assert.equal(status.local.streamData.broadcasterSocketId, broadcaster.id);
        assert.equal(status.cloudinary.status, 'not_found', 'a socket broadcast never touches the registry');

        // A viewer leaves: the broadcaster hears nothing of it, and the count stays.
        await nextEvent(viewer2, 'stream-segments-updated');
        viewer2.disconnect();
        await sleep(600);
        assert.equal(count(broadcaster, 'viewer-left'), 0);
        assert.equal(count(broadcaster, 'viewer-count'), 0);
        assert.equal((await api('GET', `/livestream/${id}/status`)).json.local.streamData.viewers, 2);
        assert.equal(count(broadcaster, 'stream-segments-updated'), 0, 'the sender never gets the segment updates');

        // Someone else's end-stream is ignored without a word.
        viewer1.emit('end-stream', { streamKey: id, userId: 'viewer-1' });
        await sleep(400);
        assert.equal(count(viewer1, 'stream-error'), 0);
        assert.equal(count(viewer1, 'stream-ended'), 0);
        assert.ok(await healthListed(id));
      } finally {
        sending.stop();
      }
      await sending.done;

      broadcaster.emit('end-stream', { streamKey: id, userId: pubkey });
      await nextEvent(broadcaster, 'stream-ended');
      const killed = await nextEvent(broadcaster, 'stream-error');
      assert.deepEqual(killed, { error: 'ffmpeg was killed with signal SIGKILL' });
      const names = broadcaster.received.map((event) => event.name);
      assert.ok(names.indexOf('stream-ended') < names.indexOf('stream-error'), 'stream-ended first, then the error');
      await nextEvent(viewer1, 'stream-ended');
      await sleep(400);
      assert.equal(count(broadcaster, 'stream-ended', (p) => p.streamKey === id), 1, 'once to the sender');
      assert.ok(count(viewer1, 'stream-ended', (p) => p.streamKey === id) >= 1, 'a viewer may get it several times');
      assert.equal(count(broadcaster, 'stream-error'), 1);

      // The playlist is ended, the stream gone; the HLS output stays playable.
      assert.match(playlistFile(id), /#EXT-X-ENDLIST\n$/);
      assert.equal(await healthListed(id), undefined);
      assert.ok(!existsSync(path.join(dataDir, id, 'temp.webm')));
      assert.equal((await api('GET', `/livestream/${id}/stream.m3u8`)).status, 200);
      // Polling after the end makes a placeholder again.
      const polled = (await api('GET', `/livestream/${id}/status`)).json;
      assert.equal(polled.local.isActive, true);
      assert.equal(polled.local.streamData.userId, 'anonymous');
      assert.equal(polled.local.streamData.broadcasting, false);
      assert.equal(polled.overall.hasVideoContent, false, 'the playlist has #EXT-X-ENDLIST');
      // A placeholder is a stream: joining it works.
      const joined = count(viewer1, 'stream-joined');
      viewer1.emit('join-stream', { streamKey: id, userId: 'viewer-1' });
      await waitFor(() => count(viewer1, 'stream-joined') > joined, 'stream-joined for the placeholder');
      assert.deepEqual(viewer1.received.filter((e) => e.name === 'stream-joined').pop().payload,
        { streamKey: id, viewerCount: 1 });
    });

  test('setup: a chunk sent right after start-stream is dropped silently; data without start-stream too', async () => {
    const id = uniqueId('early');
    const socket = await connect();
    socket.emit('start-stream', { userId: pubkey, streamKey: id });
    socket.emit('stream-data', { streamKey: id, chunk: clip.subarray(0, 4096) });
    const stray = uniqueId('nostart');
    socket.emit('stream-data', { streamKey: stray, chunk: Buffer.from('x') });
    await waitForSetup(id);
    await sleep(300);
    const events = await eventsOf();
    const dropped = events.filter((e) => e.kind === 'dropped-chunk').map((e) => [e.streamKey, e.bytes]);
    assert.deepEqual(dropped.filter(([key]) => key === id), [[id, 4096]]);
    assert.deepEqual(dropped.filter(([key]) => key === stray), [[stray, 1]]);
    assert.equal(count(socket, 'stream-error'), 0, 'no word about it');
    assert.equal((await api('GET', `/livestream/${id}/status`)).json.local.streamData.chunks, 0);
    assert.ok(!events.some((e) => e.kind === 'gate' && e.streamKey === id));
  });

  test('a start-stream over a running ffmpeg is a new setup: the gate applies to the next chunk again', async () => {
    const id = uniqueId('restart');
    const socket = await connect();
    socket.emit('start-stream', { userId: pubkey, streamKey: id });
    await waitForSetup(id);
    socket.emit('stream-data', { streamKey: id, chunk: clip.subarray(0, headerBytes + 16384) });
    await nextEvent(socket, 'stream-started');
    await waitFor(async () => (await api('GET', `/livestream/${id}/status`)).json.local.streamData.status === 'broadcasting',
      'broadcasting');

    socket.emit('start-stream', { userId: pubkey, streamKey: id });
    await waitFor(async () => (await eventsOf()).some((e) => e.kind === 'setup' && e.streamKey === id &&
      e.replaced === 'broadcasting'), 'the new setup');
    const status = (await api('GET', `/livestream/${id}/status`)).json.local.streamData;
    assert.deepEqual([status.status, status.chunks, status.broadcasting], ['active', 0, false]);
    socket.emit('stream-data', { streamKey: id, chunk: clip.subarray(0, headerBytes) });
    await sleep(800);
    const events = await eventsOf();
    assert.deepEqual(events.filter((e) => e.kind === 'gate' && e.streamKey === id).map((e) => e.open), [true, false]);
    assert.equal(events.filter((e) => e.kind === 'ffmpeg-start' && e.streamKey === id).length, 1);
    assert.ok(events.some((e) => e.kind === 'ffmpeg-exit' && e.streamKey === id), 'the old ffmpeg was stopped');
    assert.equal(count(socket, 'stream-started'), 1, 'no reuse answer, no new start');
    assert.equal(count(socket, 'stream-error'), 0, 'replacing the old ffmpeg is no error');

    // Ending a stream whose ffmpeg never ran brings no stream-error.
    socket.emit('end-stream', { streamKey: id, userId: pubkey });
    await nextEvent(socket, 'stream-ended');
    await sleep(400);
    assert.equal(count(socket, 'stream-error'), 0);
  });

  test('disconnect: end-stream and the disconnect in one TCP read lose the end-stream; the monitor removes the '
    + 'stream later without #EXT-X-ENDLIST', async () => {
    // Both streams first get media and segments.
    const prepare = async (id) => {
      const client = await rawConnect();
      client.emit('start-stream', { userId: pubkey, streamKey: id });
      await waitForSetup(id);
      client.sendData(id, clip.subarray(0, headerBytes + 65536));
      client.sendData(id, clip.subarray(headerBytes + 65536, 180000));
      await waitFor(() => client.has('stream-started'), `stream-started for ${id}`);
      await waitFor(async () => (await segmentsOf(id)).length > 0, `segments of ${id}`);
      return client;
    };
    const lostId = uniqueId('lost-end');
    const lost = await prepare(lostId);
    const endFrame = maskedTextFrame(`42${JSON.stringify(['end-stream', { streamKey: lostId, userId: pubkey }])}`);
    lost.sendData(lostId, clip.subarray(180000)); // the last data: the monitor counts from here
    await sleep(50);
    const lastDataAt = Date.now();
    lost.ws._socket.write(Buffer.concat([endFrame, maskedTextFrame('41')])); // two frames, one TCP write
    await waitFor(async () => (await eventsOf()).some((e) => e.kind === 'disconnect' && e.socket === lost.sid),
      'the disconnect');
    await sleep(200);
    let events = await eventsOf();
    assert.ok(events.some((e) => e.kind === 'received' && e.event === 'end-stream' && e.socket === lost.sid),
      'the end-stream arrived');
    assert.ok(!events.some((e) => e.kind === 'event' && e.event === 'end-stream' && e.socket === lost.sid),
      'but was never handled');
    assert.doesNotMatch(playlistFile(lostId), /#EXT-X-ENDLIST/);
    assert.ok(Date.now() - lastDataAt < IDLE_TIMEOUT_MS, 'checked before the monitor could act');
    const listed = await healthListed(lostId);
    assert.ok(listed, 'the stream is still there');
    assert.deepEqual([listed.hasInputStream, listed.hasFfmpegCommand], [true, true], 'the stream itself, no placeholder');
    assert.ok(!lost.has('stream-ended'));
    await lost.close();

    // The same, but the client waits for stream-ended before it disconnects.
    const cleanId = uniqueId('clean-end');
    const clean = await prepare(cleanId);
    clean.emit('end-stream', { streamKey: cleanId, userId: pubkey });
    await waitFor(() => clean.has('stream-ended'), 'stream-ended');
    clean.ws.send('41');
    await clean.close();
    assert.match(playlistFile(cleanId), /#EXT-X-ENDLIST/);
    assert.equal(await healthListed(cleanId), undefined);

    // The lost one: removed by the inactivity monitor, its playlist still open, its ffmpeg still running.
    await waitFor(async () => (await healthListed(lostId)) === undefined, 'the monitor removes the stream',
      IDLE_TIMEOUT_MS * 3);
    events = await eventsOf();
    assert.ok(events.some((e) => e.kind === 'idle-timeout' && e.streamKey === lostId));
    assert.ok(Date.now() - lastDataAt >= IDLE_TIMEOUT_MS);
    assert.doesNotMatch(playlistFile(lostId), /#EXT-X-ENDLIST/);
    assert.ok(!events.some((e) => e.kind === 'ffmpeg-exit' && e.streamKey === lostId), 'ffmpeg is not stopped');
    assert.ok(events.some((e) => e.kind === 'ffmpeg-exit' && e.streamKey === cleanId));
  });

  test('idle: no data for the timeout removes the stream, tells its broadcaster once, leaves ffmpeg and the '
    + 'playlist open', async () => {
    const id = uniqueId('idle');
    const broadcaster = await connect();
    broadcaster.emit('start-stream', { userId: pubkey, streamKey: id });
    await waitForSetup(id);
    const stoppedAt = Date.now();
    broadcaster.emit('stream-data', { streamKey: id, chunk: clip.subarray(0, 120000) });
    await nextEvent(broadcaster, 'stream-started');
    await waitFor(async () => (await segmentsOf(id)).length > 0, 'segments');
    await nextEvent(broadcaster, 'stream-ended', { timeoutMs: IDLE_TIMEOUT_MS * 3 });
    assert.ok(Date.now() - stoppedAt >= IDLE_TIMEOUT_MS, 'not before the idle timeout');
    await sleep(300);
    assert.equal(count(broadcaster, 'stream-ended'), 1);
    assert.equal(count(broadcaster, 'stream-error'), 0);
    assert.equal(await healthListed(id), undefined);
    assert.doesNotMatch(playlistFile(id), /#EXT-X-ENDLIST/);
    const events = await eventsOf();
    assert.ok(events.some((event) => event.kind === 'idle-timeout' && event.streamKey === id));
    assert.ok(!events.some((event) => event.kind === 'ffmpeg-exit' && event.streamKey === id), 'ffmpeg runs on');
    // Ending it now is ignored: it is unknown.
    broadcaster.emit('end-stream', { streamKey: id, userId: pubkey });
    await sleep(300);
    assert.equal(count(broadcaster, 'stream-ended'), 1);
    assert.equal(count(broadcaster, 'stream-error'), 0);
  });

  test('errors: unknown join is "Stream not found", unknown end-stream is ignored, a bad first chunk fails ffmpeg',
    async () => {
      const socket = await connect();
      socket.emit('join-stream', { streamKey: uniqueId('nothing'), userId: 'v' });
      assert.deepEqual(await nextEvent(socket, 'stream-error'), { error: 'Stream not found' });
      socket.emit('end-stream', { streamKey: uniqueId('nothing'), userId: pubkey });

      const broken = uniqueId('garbage');
      socket.emit('start-stream', { userId: pubkey, streamKey: broken });
      await waitForSetup(broken);
      socket.emit('stream-data', { streamKey: broken, chunk: Buffer.alloc(4096, 0x41) });
      assert.deepEqual(await nextEvent(socket, 'stream-started'), { streamKey: broken, status: 'broadcasting' });
      const failure = await nextEvent(socket, 'stream-error', { accept: (e) => /ffmpeg/.test(e.error) });
      assert.match(failure.error, /^ffmpeg exited with code \d+: /);
      await sleep(400);
      assert.equal(count(socket, 'stream-error'), 2, 'the unknown join and the failure; nothing for the end-stream');
      assert.equal(count(socket, 'stream-ended'), 0, 'a failed ffmpeg does not end the stream');
      const status = (await api('GET', `/livestream/${broken}/status`)).json.local.streamData;
      assert.deepEqual([status.status, status.hasInputStream, status.broadcasting], ['error', true, false]);
      socket.emit('stream-data', { streamKey: broken, chunk: Buffer.alloc(100, 0x41) });
      await waitFor(async () => (await api('GET', `/livestream/${broken}/status`)).json.local.streamData.chunks === 2,
        'a failed stream still takes chunks');
    });

  test('a message larger than 1 MB drops the connection', async () => {
    const socket = await connect();
    const id = uniqueId('big');
    socket.emit('start-stream', { userId: pubkey, streamKey: id });
    await waitForSetup(id);
    const disconnected = new Promise((resolve) => socket.once('disconnect', resolve));
    socket.emit('stream-data', { streamKey: id, chunk: Buffer.alloc(1100 * 1000) });
    let timer;
    const reason = await Promise.race([disconnected,
      new Promise((resolve) => { timer = setTimeout(() => resolve('still connected'), 10000); })]);
    clearTimeout(timer);
    assert.notEqual(reason, 'still connected');
  });
});

describe('kind switches', () => {
  test('--kind setup: a chunk right after start-stream is taken', async () => {
    const backend = await startBackend(['--kind', 'setup']);
    const id = uniqueId('kind-setup');
    const socket = await connect(backend.url);
    socket.emit('start-stream', { userId: pubkey, streamKey: id });
    socket.emit('stream-data', { streamKey: id, chunk: clip.subarray(0, headerBytes + 16384) });
    assert.deepEqual(await nextEvent(socket, 'stream-started'), { streamKey: id, status: 'broadcasting' });
    const events = await eventsOf(backend.url);
    assert.ok(!events.some((e) => e.kind === 'dropped-chunk'));
    assert.equal((await api('GET', `/livestream/${id}/status`, { url: backend.url })).json.local.streamData.chunks, 1);
  });

  test('--kind gate,disconnect,viewer-left: a header-only first chunk starts ffmpeg; viewer-left; a '
    + 'disconnect ends the stream', async () => {
    const backend = await startBackend(['--kind', 'gate,disconnect,viewer-left']);
    const id = uniqueId('kind');
    const broadcaster = await connect(backend.url);
    broadcaster.emit('start-stream', { userId: pubkey, streamKey: id });
    await waitForSetup(id, backend.url);
    const sending = sendClip((chunk) => broadcaster.emit('stream-data', { streamKey: id, chunk }),
      { firstChunkBytes: headerBytes, chunkBytes: 16384, intervalMs: 100 });
    try {
      assert.deepEqual(await nextEvent(broadcaster, 'stream-started'), { streamKey: id, status: 'broadcasting' });
      const gate = (await eventsOf(backend.url)).find((e) => e.kind === 'gate' && e.streamKey === id);
      assert.deepEqual([gate.bytes, gate.open], [headerBytes, true]);
      await waitFor(async () => (await segmentsOf(id, backend.url)).length > 0, 'segments');

      const leaving = await connect(backend.url);
      leaving.emit('join-stream', { streamKey: id, userId: 'viewer-1' });
      await nextEvent(leaving, 'stream-joined');
      const staying = await connect(backend.url);
      staying.emit('join-stream', { streamKey: id, userId: 'viewer-2' });
      await nextEvent(staying, 'stream-joined');
      leaving.disconnect();
      assert.deepEqual(await nextEvent(broadcaster, 'viewer-left'), { streamKey: id, viewerCount: 1 });

      sending.stop();
      await sending.done;
      broadcaster.disconnect();
      assert.deepEqual(await nextEvent(staying, 'stream-ended'), { streamKey: id });
      assert.match(playlistFile(id, backend.dataDir), /#EXT-X-ENDLIST/);
      assert.equal(await healthListed(id, backend.url), undefined);
    } finally {
      sending.stop();
    }
  });
});

describe('the stack', { skip: !process.env.HOSTSTUDIO_STACK_DIR }, () => {
  test('the stack runs the backend where stack.env and hoststudio.ini say', async () => {
    const dir = process.env.HOSTSTUDIO_STACK_DIR;
    const envFile = path.join(dir, 'stack.env');
    assert.ok(existsSync(envFile), 'the stack fixture writes stack.env');
    const env = Object.fromEntries(readFileSync(envFile, 'utf8').split('\n')
      .map((line) => /^(HOSTSTUDIO_[A-Z_]+)=(.*)$/.exec(line)).filter(Boolean)
      .map((match) => [match[1], match[2].replace(/^'(.*)'$/, '$1')]));
    const url = env.HOSTSTUDIO_BACKEND_URL;
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const ini = readFileSync(path.join(dir, 'hoststudio.ini'), 'utf8');
    assert.match(ini, new RegExp(`^\\[backend\\]\\nurl=${url.replace(/\./g, '\\.')}$`, 'm'));
    const response = await fetch(`${url}/livestream/health`, { signal: AbortSignal.timeout(5000) });
    assert.equal(response.status, 200);
    assert.equal((await response.json()).status, 'healthy');
  });
});
