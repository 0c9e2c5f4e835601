// Integration: the livestream backend peer speaks the seed backend's protocol: every HTTP route's
// shape and errors, and the Socket.IO side with real media (ffmpeg-made Matroska chunks in, HLS out).
// SPDX-License-Identifier: GPL-2.0-or-later
//
// Starts its own backend (port 0, a short idle timeout) so its state is private; also checks that the
// stack's backend answers when HOSTSTUDIO_STACK_DIR names a running stack.
// Run with: node --test livestream_backend.test.mjs

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';

const here = path.dirname(fileURLToPath(import.meta.url));
const peers = path.join(here, '..', 'peers');
const backendScript = path.join(peers, 'livestream-backend.mjs');
// socket.io-client is installed with the peers; resolve it from there.
const { io: connectSocket } = createRequire(path.join(peers, 'package.json'))('socket.io-client');

const IDLE_TIMEOUT_MS = 2000;
let backend;
let baseUrl;
let dataDir;
const sockets = [];
const producers = [];

async function api(method, pathSuffix, { body, rawBody, contentType } = {}) {
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
  const response = await fetch(`${baseUrl}${pathSuffix}`, {
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

// A connected Socket.IO client (websocket transport only, as the web studio used) that records events.
async function connect() {
  const socket = connectSocket(baseUrl, { transports: ['websocket'], reconnection: false, timeout: 5000 });
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
function nextEvent(socket, name, { accept = () => true, timeoutMs = 15000, from = 0 } = {}) {
  const seen = socket.received.slice(from).find((event) => event.name === name && accept(event.payload));
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
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Real media: H.264 + AAC in Matroska from ffmpeg's test sources, paced in real time, as chunks.
function produceMedia(seconds, onChunk) {
  const producer = spawn('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-re',
    '-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=25', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000',
    '-t', String(seconds), '-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-g', '25',
    '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-b:a', '64k', '-f', 'matroska', 'pipe:1'],
  { stdio: ['ignore', 'pipe', 'pipe'] });
  producers.push(producer);
  let stderr = '';
  producer.stderr.on('data', (data) => { stderr += data; });
  producer.stdout.on('data', onChunk);
  producer.done = new Promise((resolve) => producer.on('exit', (code) => resolve({ code, stderr })));
  return producer;
}

before(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'livestream-backend-test-'));
  backend = spawn(process.execPath, [backendScript, '--host', '127.0.0.1', '--port', '0', '--data-dir', dataDir,
    '--idle-timeout-ms', String(IDLE_TIMEOUT_MS), '--log', path.join(dataDir, 'events.jsonl')],
  { stdio: ['ignore', 'pipe', 'inherit'] });
  baseUrl = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the backend did not start in 10 s')), 10000);
    let seen = '';
    backend.stdout.on('data', (chunk) => {
      seen += chunk;
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(seen);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    backend.on('exit', (code) => reject(new Error(`the backend exited with ${code}`)));
  });
});

after(async () => {
  for (const socket of sockets) {
    socket.disconnect();
  }
  for (const producer of producers) {
    producer.kill('SIGKILL');
  }
  if (backend && backend.exitCode === null) {
    const exited = new Promise((resolve) => backend.once('exit', resolve));
    backend.kill('SIGTERM');
    await exited;
  }
  rmSync(dataDir, { recursive: true, force: true });
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
    assert.equal(typeof result.json.memoryUsage.rss, 'number');
  });

  test('start creates, a second start finds it, active lists it, playback names it', async () => {
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

    const stop = await api('POST', `/livestream/${id}/stop`, { body: { action: 'stop', userId: pubkey,
      timestamp: Date.now() } });
    assert.equal(stop.status, 200);
    assert.deepEqual(Object.keys(stop.json).sort(), ['message', 'status', 'streamId', 'timestamp']);
    assert.equal(stop.json.status, 'stopped');
    const again = await api('POST', `/livestream/${id}/stop`, { body: { action: 'stop', userId: pubkey,
      timestamp: Date.now() } });
    assert.equal(again.json.status, 'already_stopped');
    const afterStop = await api('GET', '/livestream/active');
    assert.equal(afterStop.json.streams.find((stream) => stream.streamId === id), undefined);
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

    const noManifest = await api('GET', `/livestream/${id}/stream.m3u8`);
    assert.equal(noManifest.status, 404);
    assert.deepEqual(noManifest.json, { error: 'Stream not found or not started' });
    const noSegment = await api('GET', `/livestream/${id}/segment_0.ts`);
    assert.equal(noSegment.status, 404);
    assert.deepEqual(noSegment.json, { error: 'Segment not found' });
    const traversal = await api('GET', '/livestream/..%2F..%2Fetc/status');
    assert.equal(traversal.status, 400);
  });

  test('status: the quirk makes any polled id "active", while the local facts say no content', async () => {
    const id = uniqueId('never-started');
    const result = await api('GET', `/livestream/${id}/status`);
    assert.equal(result.status, 200);
    assert.equal(result.json.streamId, id);
    assert.deepEqual(Object.keys(result.json.local).sort(),
      ['files', 'isActive', 'manifestContent', 'manifestExists', 'streamData', 'streamDirExists']);
    assert.deepEqual(result.json.cloudinary, { status: 'not_found', message: 'Stream not found in Cloudinary' });
    assert.deepEqual(result.json.overall, { isActive: true, hasManifest: false, hasStreamDir: false,
      hasVideoContent: false });
    assert.equal(result.json.local.manifestContent, null);
    assert.deepEqual(result.json.local.files, []);
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

describe('Socket.IO', () => {
  test('connect: room general and channel-join; chat reaches everyone in the room', async () => {
    const first = await connect();
    const second = await connect();
    const join = await nextEvent(first, 'channel-join');
    assert.equal(join.channel, 'general');
    assert.equal(typeof join.nickname, 'string');
    const message = { channel: 'general', content: `hello ${uniqueId('chat')}`, sender: pubkey };
    first.emit('channel-message', message);
    assert.deepEqual(await nextEvent(second, 'channel-message', { accept: (m) => m.content === message.content }), message);
    assert.deepEqual(await nextEvent(first, 'channel-message', { accept: (m) => m.content === message.content }), message);
  });

  test('broadcast: stream-started, segments, playable HLS, viewers, end-stream twice', async () => {
    const id = uniqueId('live');
    const broadcaster = await connect();
    broadcaster.emit('start-stream', { userId: pubkey, streamKey: id });
    let sent = 0;
    const producer = produceMedia(8, (chunk) => {
      sent += 1;
      broadcaster.emit('stream-data', { streamKey: id, chunk });
    });

    const started = await nextEvent(broadcaster, 'stream-started');
    assert.deepEqual(started, { streamKey: id, status: 'broadcasting', message: 'Stream started' });
    assert.ok(sent >= 1, 'stream-started only after the first chunk');
    const segments = await nextEvent(broadcaster, 'stream-segments-updated',
      { accept: (update) => update.streamKey === id && update.segmentCount >= 2, timeoutMs: 20000 });
    assert.ok(segments.segmentCount >= 2);

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

    const status = await api('GET', `/livestream/${id}/status`);
    assert.equal(status.json.overall.hasVideoContent, true);
    assert.equal(status.json.local.manifestExists, true);
    assert.ok(status.json.local.files.includes('stream.m3u8'));
    assert.match(status.json.local.manifestContent, /#EXTM3U/);
    assert.ok(status.json.local.streamData.chunks >= 1);

    const viewer1 = await connect();
    viewer1.emit('join-stream', { streamKey: id, userId: 'viewer-1' });
    assert.deepEqual(await nextEvent(viewer1, 'stream-joined'), { streamKey: id, viewerCount: 1 });
    assert.deepEqual(await nextEvent(broadcaster, 'viewer-joined', { accept: (v) => v.viewerCount === 1 }),
      { streamKey: id, viewerCount: 1 });
    const viewer2 = await connect();
    viewer2.emit('join-stream', { streamKey: id, userId: 'viewer-2' });
    assert.deepEqual(await nextEvent(viewer2, 'stream-joined'), { streamKey: id, viewerCount: 2 });
    assert.deepEqual(await nextEvent(broadcaster, 'viewer-joined', { accept: (v) => v.viewerCount === 2 }),
      { streamKey: id, viewerCount: 2 });
    await nextEvent(viewer1, 'stream-segments-updated', { timeoutMs: 10000 });

    // Only the broadcaster may end it.
    viewer1.emit('end-stream', { streamKey: id, userId: 'viewer-1' });
    assert.match((await nextEvent(viewer1, 'stream-error')).error, /broadcaster/);

    producer.kill('SIGKILL');
    broadcaster.emit('end-stream', { streamKey: id, userId: pubkey });
    await nextEvent(viewer1, 'stream-ended');
    await sleep(500);
    assert.equal(count(broadcaster, 'stream-ended', (p) => p.streamKey === id), 2, 'their bug: sent twice');
    assert.equal(count(viewer1, 'stream-ended', (p) => p.streamKey === id), 1);
    assert.equal(count(viewer2, 'stream-ended', (p) => p.streamKey === id), 1);

    // The HLS output stays playable after the end.
    assert.equal((await api('GET', `/livestream/${id}/stream.m3u8`)).status, 200);
    // Joining an ended stream is an error.
    viewer2.emit('join-stream', { streamKey: id, userId: 'viewer-2' });
    assert.match((await nextEvent(viewer2, 'stream-error')).error, /not found/);
  });

  test('idle: no data for the timeout ends the stream (once)', async () => {
    const id = uniqueId('idle');
    const broadcaster = await connect();
    broadcaster.emit('start-stream', { userId: pubkey, streamKey: id });
    const producer = produceMedia(1, (chunk) => broadcaster.emit('stream-data', { streamKey: id, chunk }));
    await nextEvent(broadcaster, 'stream-started');
    const { code } = await producer.done;
    assert.equal(code, 0);
    const stoppedAt = Date.now();
    await nextEvent(broadcaster, 'stream-ended', { timeoutMs: IDLE_TIMEOUT_MS + 8000 });
    assert.ok(Date.now() - stoppedAt >= IDLE_TIMEOUT_MS - 1500, 'not before the idle timeout');
    await sleep(300);
    assert.equal(count(broadcaster, 'stream-ended'), 1);
    const events = await api('GET', '/__events');
    assert.ok(events.json.some((event) => event.kind === 'idle-timeout' && event.streamKey === id));
    // ffmpeg was stopped with the stream.
    assert.ok(events.json.some((event) => event.kind === 'ffmpeg-exit' && event.streamKey === id));
  });

  test('errors: data without start-stream, a chunk that is not media', async () => {
    const socket = await connect();
    const id = uniqueId('nostart');
    socket.emit('stream-data', { streamKey: id, chunk: Buffer.from('x') });
    assert.match((await nextEvent(socket, 'stream-error')).error, /start-stream/);
    socket.emit('join-stream', { streamKey: uniqueId('nothing'), userId: 'v' });
    assert.match((await nextEvent(socket, 'stream-error', { accept: (e) => /not found/.test(e.error) })).error,
      /not found/);

    const broken = uniqueId('garbage');
    socket.emit('start-stream', { userId: pubkey, streamKey: broken });
    socket.emit('stream-data', { streamKey: broken, chunk: Buffer.alloc(4096, 0x41) });
    await nextEvent(socket, 'stream-started', { accept: (s) => s.streamKey === broken });
    const failure = await nextEvent(socket, 'stream-error', { accept: (e) => /ffmpeg/.test(e.error) });
    assert.match(failure.error, /ffmpeg exited/);
    await nextEvent(socket, 'stream-ended', { accept: (e) => e.streamKey === broken });
  });

  test('a message larger than 1 MB drops the connection', async () => {
    const socket = await connect();
    const id = uniqueId('big');
    socket.emit('start-stream', { userId: pubkey, streamKey: id });
    const disconnected = new Promise((resolve) => socket.once('disconnect', resolve));
    socket.emit('stream-data', { streamKey: id, chunk: Buffer.alloc(1100 * 1000) });
    let timer;
    const reason = await Promise.race([disconnected,
      new Promise((resolve) => { timer = setTimeout(() => resolve('still connected'), 10000); })]);
    clearTimeout(timer);
    assert.notEqual(reason, 'still connected');
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
