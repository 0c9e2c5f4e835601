#!/usr/bin/env node
// SPDX-License-Identifier: GPL-2.0-or-later
//
// The seed's livestream backend as a real peer: its HTTP API under /livestream/… and its Socket.IO 4
// real-time channel on the same port, with the same paths, bodies, status codes, events and quirks
// (see the protocol notes in the project's docs). Media sent as `stream-data` chunks (a WebM/Matroska
// byte stream) is fed to a real ffmpeg process that writes HLS into the data directory, which the
// HTTP side serves.
//
// Quirks kept on purpose, because the studio must survive them:
//   - GET /livestream/{id}/status creates local state for any id, so overall.isActive is true for
//     every id ever polled: it means nothing.
//   - end-stream sends stream-ended twice to the broadcaster.
//   - playbackUrl and ingestUrl point at this server itself.
//
// Test hooks, all below /__ and never part of the backend's API:
//   GET /__health            "ok"
//   GET /__events            what was asked and emitted so far (HTTP requests with their bodies,
//                            socket events)
//   POST /__faults {"mode":"status500","message":"…","count":1}   the next API requests answer 500
//                  {"mode":"delay","delayMs":3000,"count":1}      …answer late
//                  {"mode":"hang","count":1}                      …never answer
//   DELETE /__faults         clears them
//
// Usage: node livestream-backend.mjs [--host 127.0.0.1] [--port 5050] [--data-dir DIR] [--log FILE]
//          [--idle-timeout-ms 30000] [--ffmpeg ffmpeg]
// --port 0 picks a free port; the first stdout line says "livestream backend listening on http://…".
// --data-dir holds one directory per stream (stream.m3u8, segment_N.ts); a temporary one by default.
// --log appends one JSON line per HTTP request and socket event to FILE.
// Stops on SIGTERM/SIGINT; every ffmpeg it started is killed first.

import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { Server } from 'socket.io';

function parseArguments(argv) {
  const options = {};
  for (let index = 0; index < argv.length; index += 1) {
    const name = argv[index];
    if (!name.startsWith('--')) {
      throw new Error(`unexpected argument ${name}`);
    }
    const value = argv[index + 1];
    if (value === undefined || value.startsWith('--')) {
      throw new Error(`${name} needs a value`);
    }
    options[name.slice(2)] = value;
    index += 1;
  }
  return options;
}

const options = parseArguments(process.argv.slice(2));
const config = {
  host: options.host ?? '127.0.0.1',
  port: Number(options.port ?? 5050),
  dataDir: path.resolve(options['data-dir'] ?? mkdtempSync(path.join(os.tmpdir(), 'livestream-backend-'))),
  log: options.log,
  idleTimeoutMs: Number(options['idle-timeout-ms'] ?? 30000),
  ffmpeg: options.ffmpeg ?? 'ffmpeg',
};
if (config.host !== '127.0.0.1' && config.host !== 'localhost' && config.host !== '::1') {
  throw new Error('the backend peer binds to loopback only');
}
if (!Number.isInteger(config.port) || config.port < 0 || config.port > 65535) {
  throw new Error(`--port ${options.port} is not a TCP port`);
}
if (!Number.isFinite(config.idleTimeoutMs) || config.idleTimeoutMs <= 0) {
  throw new Error('--idle-timeout-ms must be a positive number');
}
mkdirSync(config.dataDir, { recursive: true });

const MAX_BUFFER = 1e6; // Socket.IO's default maxHttpBufferSize, as the backend uses it
const events = []; // what happened, for tests
let faults = [];
let baseUrl = ''; // http://host:port, known once listening

function record(entry) {
  const line = { time: new Date().toISOString(), ...entry };
  events.push(line);
  if (events.length > 5000) {
    events.shift();
  }
  if (config.log) {
    try {
      appendFileSync(config.log, JSON.stringify(line) + '\n');
    } catch (error) {
      console.error(`livestream backend: cannot write ${config.log}: ${error.message}`);
    }
  }
}

// Stream ids become directory names: only ids that are safe as one path component are accepted.
const isValidStreamId = (id) => typeof id === 'string' && /^[A-Za-z0-9_~-][A-Za-z0-9._~-]{0,127}$/.test(id);
const streamDir = (id) => path.join(config.dataDir, id);
const playbackUrlOf = (id) => `${baseUrl}/livestream/${id}/stream.m3u8`;
const ingestUrlOf = () => `${baseUrl.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`;

// ---------------------------------------------------------------------------------------------
// State. `registry` stands for the backend's simulated Cloudinary streams (HTTP start/stop);
// `live` is its local stream state (socket broadcasts, and whatever /status touched).

const registry = new Map(); // id -> {streamId, userId, title, description, status, createdAt, playbackUrl, streamUrl}
const live = new Map(); // id -> local stream state

function localState(id) {
  let state = live.get(id);
  if (!state) {
    state = {
      streamKey: id, userId: null, broadcaster: null, viewers: new Set(), ffmpeg: null, isInitialized: false,
      startedAt: null, lastDataAt: null, chunks: 0, bytes: 0, segmentCount: 0, idleTimer: null, segmentTimer: null,
      stderrTail: '', ended: false,
    };
    live.set(id, state);
  }
  return state;
}

function segmentFiles(id) {
  try {
    return readdirSync(streamDir(id)).filter((name) => /^segment_\d+\.ts$/.test(name));
  } catch {
    return [];
  }
}

function publicStreamData(state) {
  if (!state) {
    return null;
  }
  return {
    streamKey: state.streamKey, userId: state.userId, isInitialized: state.isInitialized,
    broadcasting: state.ffmpeg !== null, startedAt: state.startedAt, lastDataAt: state.lastDataAt,
    chunks: state.chunks, bytes: state.bytes, viewerCount: state.viewers.size, segmentCount: state.segmentCount,
  };
}

// ---------------------------------------------------------------------------------------------
// HTTP

function send(response, status, body, headers = {}) {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Access-Control-Allow-Origin': '*',
    ...headers,
  });
  response.end(text);
}

async function readBody(request) {
  const chunks = [];
  let size = 0;
  for await (const chunk of request) {
    size += chunk.length;
    if (size > 1024 * 1024) {
      throw Object.assign(new Error('Request body is too large'), { statusCode: 413 });
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

// Like Fastify's JSON body parser: a JSON content type with a body that is not JSON is a 400 with
// Fastify's error shape; no body at all leaves `body` undefined, which the backend's handlers then
// trip over (a 500 with the TypeError's message).
async function parsedBody(request) {
  const text = await readBody(request);
  request.bodyText = text; // for the event log
  const type = request.headers['content-type'] ?? '';
  if (text === '' && !type.startsWith('application/json')) {
    return { body: undefined };
  }
  if (!type.startsWith('application/json')) {
    return { error: { status: 415, body: { statusCode: 415, code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE',
      error: 'Unsupported Media Type', message: `Unsupported Media Type: ${type}` } } };
  }
  if (text === '') {
    return { error: { status: 400, body: { statusCode: 400, code: 'FST_ERR_CTP_EMPTY_JSON_BODY',
      error: 'Bad Request', message: "Body cannot be empty when content-type is set to 'application/json'" } } };
  }
  try {
    return { body: JSON.parse(text) };
  } catch (error) {
    return { error: { status: 400, body: { statusCode: 400, code: 'FST_ERR_CTP_INVALID_JSON_BODY',
      error: 'Bad Request', message: error.message } } };
  }
}

// The backend's handlers read fields straight off the body; a missing body is a TypeError → 500.
function fieldsOf(body) {
  if (body === undefined || body === null) {
    throw new TypeError(`Cannot destructure property 'userId' of 'request.body' as it is ${body}.`);
  }
  return body;
}

function health(response) {
  const active = [...live.values()].filter((state) => state.ffmpeg !== null || state.isInitialized);
  send(response, 200, {
    status: 'healthy',
    timestamp: new Date().toISOString(),
    streamsDirectory: { exists: existsSync(config.dataDir), path: config.dataDir },
    activeStreams: { count: active.length, streams: active.map((state) => state.streamKey) },
    memoryUsage: process.memoryUsage(),
  });
}

function listActive(response) {
  const streams = [...registry.values()].filter((stream) => stream.status === 'active').map((stream) => ({
    streamId: stream.streamId,
    userId: stream.userId,
    status: stream.status,
    startedAt: stream.createdAt,
    isActive: stream.status === 'active',
    playbackUrl: stream.playbackUrl,
    ingestUrl: stream.streamUrl,
  }));
  send(response, 200, { count: streams.length, streams });
}

function startStream(response, id, body) {
  const { userId, action, title, description } = fieldsOf(body);
  if (action !== 'start') {
    send(response, 400, { error: 'Invalid action. Use "start"' });
    return;
  }
  const existing = registry.get(id);
  if (existing) {
    existing.status = 'active';
    send(response, 200, {
      status: 'already_exists', streamId: id, message: 'Stream already exists and is now active',
      playbackUrl: existing.playbackUrl, ingestUrl: existing.streamUrl, timestamp: new Date().toISOString(),
    });
    return;
  }
  const stream = {
    streamId: id,
    userId: userId || 'anonymous',
    title: title || `Live Stream ${id}`,
    description: description || 'Live stream created via API',
    status: 'active',
    createdAt: new Date().toISOString(),
    playbackUrl: playbackUrlOf(id),
    streamUrl: ingestUrlOf(),
  };
  registry.set(id, stream);
  send(response, 200, {
    status: 'created_and_started', streamId: id, message: 'Stream created and started successfully in Cloudinary',
    playbackUrl: stream.playbackUrl, ingestUrl: stream.streamUrl, timestamp: new Date().toISOString(),
  });
}

function stopStream(response, id, body) {
  const { action } = fieldsOf(body);
  if (action !== 'stop') {
    send(response, 400, { error: 'Invalid action. Use "stop"' });
    return;
  }
  const stream = registry.get(id);
  if (stream && stream.status === 'active') {
    stream.status = 'stopped';
    send(response, 200, { status: 'stopped', streamId: id, message: 'Stream stopped successfully in Cloudinary',
      timestamp: new Date().toISOString() });
    return;
  }
  send(response, 200, { status: 'already_stopped', streamId: id, message: 'Stream was not active or already stopped',
    timestamp: new Date().toISOString() });
}

function playback(response, id) {
  const stream = registry.get(id);
  if (!stream) {
    send(response, 404, { error: 'Stream not found' });
    return;
  }
  send(response, 200, { streamId: id, playbackUrl: stream.playbackUrl, ingestUrl: stream.streamUrl,
    status: stream.status });
}

function status(response, id) {
  // Their bug, kept: asking creates local state, so every polled id looks active.
  const state = localState(id);
  const dir = streamDir(id);
  const manifest = path.join(dir, 'stream.m3u8');
  const streamDirExists = existsSync(dir);
  const manifestExists = existsSync(manifest);
  const files = streamDirExists ? readdirSync(dir).sort() : [];
  const manifestContent = manifestExists ? readFileSync(manifest, 'utf8') : null;
  const hasVideoContent = manifestExists && files.some((name) => /^segment_\d+\.ts$/.test(name) &&
    statSync(path.join(dir, name)).size > 0);
  const stream = registry.get(id);
  const cloudinary = stream
    ? { status: stream.status, streamId: id, userId: stream.userId, title: stream.title,
      playbackUrl: stream.playbackUrl, ingestUrl: stream.streamUrl, createdAt: stream.createdAt }
    : { status: 'not_found', message: 'Stream not found in Cloudinary' };
  const localActive = live.has(id);
  send(response, 200, {
    streamId: id,
    local: { isActive: localActive, manifestExists, streamDirExists, streamData: publicStreamData(state), files,
      manifestContent },
    cloudinary,
    overall: { isActive: localActive || cloudinary.status === 'active', hasManifest: manifestExists,
      hasStreamDir: streamDirExists, hasVideoContent },
  });
}

function rtmpKey(response, id, body) {
  const publicKey = body && typeof body.publicKey === 'string' ? body.publicKey : '';
  const streamKey = publicKey ? `${id}_${publicKey.slice(0, 16)}` : id;
  send(response, 200, {
    streamId: id, streamKey, rtmpUrl: `rtmp://${config.host}:1935/live/${streamKey}`,
    message: 'RTMP key generated', timestamp: new Date().toISOString(),
  });
}

function serveFile(response, file, type, cacheControl, notFound) {
  let data;
  try {
    data = readFileSync(file);
  } catch {
    send(response, 404, { error: notFound });
    return;
  }
  response.writeHead(200, {
    'Content-Type': type, 'Content-Length': data.length, 'Cache-Control': cacheControl,
    'Access-Control-Allow-Origin': '*', 'Access-Control-Allow-Methods': 'GET, HEAD',
    'Access-Control-Allow-Headers': '*',
  });
  response.end(data);
}

async function applyFault(response) {
  const fault = faults[0];
  if (!fault) {
    return false;
  }
  fault.count = (fault.count ?? 1) - 1;
  if (fault.count <= 0) {
    faults.shift();
  }
  switch (fault.mode) {
    case 'status500':
      send(response, 500, { error: 'Internal server error', message: String(fault.message ?? 'injected fault') });
      return true;
    case 'delay':
      await new Promise((resolve) => setTimeout(resolve, Number(fault.delayMs ?? 3000)));
      return false;
    case 'hang':
      return true;
    default:
      return false;
  }
}

async function handleControl(request, response, pathname) {
  if (pathname === '/__health') {
    response.writeHead(200, { 'Content-Type': 'text/plain' });
    response.end('ok');
  } else if (pathname === '/__events' && request.method === 'GET') {
    send(response, 200, events);
  } else if (pathname === '/__faults' && request.method === 'DELETE') {
    faults = [];
    send(response, 200, { faults });
  } else if (pathname === '/__faults' && request.method === 'POST') {
    try {
      const fault = JSON.parse(await readBody(request));
      if (fault === null || typeof fault !== 'object' || typeof fault.mode !== 'string') {
        throw new Error('a fault is an object with a mode');
      }
      faults.push(fault);
      send(response, 200, { faults });
    } catch (error) {
      send(response, 400, { error: String(error.message ?? error) });
    }
  } else {
    send(response, 404, { error: 'unknown control path' });
  }
}

async function handleApi(request, response, pathname) {
  const method = request.method;
  if (pathname === '/livestream/health' && method === 'GET') {
    health(response);
    return;
  }
  if (pathname === '/livestream/active' && method === 'GET') {
    listActive(response);
    return;
  }
  const match = /^\/livestream\/([^/]+)\/([^/]+)$/.exec(pathname);
  if (!match) {
    send(response, 404, { message: `Route ${method}:${pathname} not found`, error: 'Not Found', statusCode: 404 });
    return;
  }
  let id;
  try {
    id = decodeURIComponent(match[1]);
  } catch {
    id = '';
  }
  const action = match[2];
  if (!isValidStreamId(id)) {
    send(response, 400, { error: 'Stream ID is required' });
    return;
  }
  if (method === 'POST' && (action === 'start' || action === 'stop' || action === 'rtmp-key')) {
    const parsed = await parsedBody(request);
    if (parsed.error) {
      send(response, parsed.error.status, parsed.error.body);
      return;
    }
    try {
      if (action === 'start') {
        startStream(response, id, parsed.body);
      } else if (action === 'stop') {
        stopStream(response, id, parsed.body);
      } else {
        rtmpKey(response, id, parsed.body);
      }
    } catch (error) {
      send(response, 500, { error: 'Internal server error', message: error.message });
    }
    return;
  }
  if (method === 'GET' || method === 'HEAD') {
    if (action === 'playback') {
      playback(response, id);
      return;
    }
    if (action === 'status') {
      status(response, id);
      return;
    }
    if (action === 'stream.m3u8') {
      serveFile(response, path.join(streamDir(id), 'stream.m3u8'), 'application/vnd.apple.mpegurl', 'no-cache',
        'Stream not found or not started');
      return;
    }
    if (/^segment_\d+\.ts$/.test(action)) {
      serveFile(response, path.join(streamDir(id), action), 'video/mp2t', 'public, max-age=3600',
        'Segment not found');
      return;
    }
  }
  send(response, 404, { message: `Route ${method}:${pathname} not found`, error: 'Not Found', statusCode: 404 });
}

async function handle(request, response) {
  const { pathname } = new URL(request.url, 'http://backend.invalid');
  if (pathname.startsWith('/__')) {
    await handleControl(request, response, pathname);
    return;
  }
  const entry = { kind: 'http', method: request.method, path: pathname };
  response.on('finish', () => record({ ...entry, body: request.bodyText, status: response.statusCode }));
  if (pathname.startsWith('/livestream/') && (await applyFault(response))) {
    return;
  }
  await handleApi(request, response, pathname);
}

const server = http.createServer((request, response) => {
  // Socket.IO answers its own path; everything else is the HTTP API.
  if (request.url.startsWith('/socket.io/')) {
    return;
  }
  handle(request, response).catch((error) => {
    if (!response.headersSent) {
      send(response, error.statusCode ?? 500, { error: 'Internal server error', message: error.message });
    } else {
      response.destroy();
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Socket.IO

const io = new Server(server, {
  path: '/socket.io/',
  maxHttpBufferSize: MAX_BUFFER,
  cors: { origin: '*' },
  serveClient: false,
});

const streamRoom = (id) => `stream:${id}`;

function emitTo(target, name, payload, socketId) {
  record({ kind: 'emit', event: name, to: socketId, payload });
  target.emit(name, payload);
}

function clearTimers(state) {
  clearTimeout(state.idleTimer);
  clearInterval(state.segmentTimer);
  state.idleTimer = null;
  state.segmentTimer = null;
}

function armIdleTimer(state) {
  clearTimeout(state.idleTimer);
  state.idleTimer = setTimeout(() => {
    record({ kind: 'idle-timeout', streamKey: state.streamKey });
    endStream(state, 'idle');
  }, config.idleTimeoutMs);
}

function killFfmpeg(state) {
  const child = state.ffmpeg;
  if (!child) {
    return;
  }
  state.ffmpeg = null;
  child.stdin.destroy();
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 2000);
  timer.unref();
  child.once('exit', () => clearTimeout(timer));
}

// Ends a stream: stops ffmpeg and tells the room. `reason` "end-stream" reproduces the duplicate.
function endStream(state, reason) {
  if (state.ended) {
    return;
  }
  state.ended = true;
  clearTimers(state);
  killFfmpeg(state);
  updateSegments(state);
  state.isInitialized = false;
  const payload = { streamKey: state.streamKey };
  emitTo(io.to(streamRoom(state.streamKey)), 'stream-ended', payload, streamRoom(state.streamKey));
  if (reason === 'end-stream' && state.broadcaster && state.broadcaster.connected) {
    // Their bug, kept: the broadcaster hears about the end once more.
    emitTo(state.broadcaster, 'stream-ended', payload, state.broadcaster.id);
  }
  for (const viewer of state.viewers) {
    io.sockets.sockets.get(viewer)?.leave(streamRoom(state.streamKey));
  }
  state.viewers.clear();
  state.broadcaster?.leave(streamRoom(state.streamKey));
  state.broadcaster = null;
}

function updateSegments(state) {
  const count = segmentFiles(state.streamKey).length;
  if (count !== state.segmentCount) {
    state.segmentCount = count;
    emitTo(io.to(streamRoom(state.streamKey)), 'stream-segments-updated',
      { streamKey: state.streamKey, segmentCount: count }, streamRoom(state.streamKey));
  }
}

function startFfmpeg(state) {
  const dir = streamDir(state.streamKey);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  state.segmentCount = 0;
  const args = [
    '-hide_banner', '-loglevel', 'error', '-nostdin',
    '-f', 'webm', '-i', 'pipe:0',
    '-map', '0:v:0?', '-map', '0:a:0?',
    '-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-pix_fmt', 'yuv420p',
    '-force_key_frames', 'expr:gte(t,n_forced*1)',
    '-c:a', 'aac', '-b:a', '96k', '-ar', '48000',
    '-f', 'hls', '-hls_time', '1', '-hls_list_size', '30', '-hls_flags', 'delete_segments+independent_segments',
    '-hls_segment_filename', path.join(dir, 'segment_%d.ts'),
    path.join(dir, 'stream.m3u8'),
  ];
  const child = spawn(config.ffmpeg, args, { stdio: ['pipe', 'ignore', 'pipe'] });
  // Stop reading the stderr flood from a broken stream but keep the last lines for the error.
  child.stderr.on('data', (data) => {
    state.stderrTail = (state.stderrTail + data.toString('utf8')).slice(-2000);
  });
  child.stdin.on('error', () => {}); // EPIPE when ffmpeg gave up; the exit handler reports it
  child.on('error', (error) => {
    if (state.ffmpeg === child) {
      state.ffmpeg = null;
      failStream(state, `cannot run ffmpeg: ${error.message}`);
    }
  });
  child.on('exit', (code, signal) => {
    record({ kind: 'ffmpeg-exit', streamKey: state.streamKey, code, signal });
    if (state.ffmpeg !== child) {
      return; // we stopped it
    }
    state.ffmpeg = null;
    if (code === 0) {
      endStream(state, 'ffmpeg');
    } else {
      const lastLine = state.stderrTail.trim().split('\n').pop() ?? '';
      failStream(state, `ffmpeg exited with ${code ?? signal}${lastLine ? `: ${lastLine}` : ''}`);
    }
  });
  state.ffmpeg = child;
  state.segmentTimer = setInterval(() => updateSegments(state), 250);
  return child;
}

function failStream(state, message) {
  if (state.broadcaster && state.broadcaster.connected) {
    emitTo(state.broadcaster, 'stream-error', { error: message }, state.broadcaster.id);
  }
  endStream(state, 'error');
}

function streamKeyOf(socket, data, eventName) {
  const key = data && typeof data === 'object' ? data.streamKey : undefined;
  if (!isValidStreamId(key)) {
    emitTo(socket, 'stream-error', { error: `${eventName} needs a valid streamKey` }, socket.id);
    return null;
  }
  return key;
}

io.on('connection', (socket) => {
  record({ kind: 'connect', socket: socket.id });
  socket.join('general');
  emitTo(socket, 'channel-join', { channel: 'general', nickname: `user-${socket.id.slice(0, 6)}` }, socket.id);

  socket.onAny((name, payload) => {
    const summary = payload && typeof payload === 'object' && Buffer.isBuffer(payload.chunk)
      ? { ...payload, chunk: `<${payload.chunk.length} bytes>` }
      : payload;
    if (name !== 'stream-data') {
      record({ kind: 'event', event: name, socket: socket.id, payload: summary });
    }
  });

  socket.on('start-stream', (data) => {
    const key = streamKeyOf(socket, data, 'start-stream');
    if (!key) {
      return;
    }
    let state = live.get(key);
    if (state && state.broadcaster && state.broadcaster !== socket && state.broadcaster.connected) {
      emitTo(socket, 'stream-error', { error: `Stream ${key} already has a broadcaster` }, socket.id);
      return;
    }
    if (state && (state.ffmpeg || state.ended)) {
      // A restart: the old encoder goes, the next chunk must carry a fresh container header.
      clearTimers(state);
      killFfmpeg(state);
      live.delete(key);
      state = undefined;
    }
    state = localState(key);
    state.userId = typeof data.userId === 'string' ? data.userId : null;
    state.broadcaster = socket;
    state.isInitialized = true;
    state.startedAt = new Date().toISOString();
    socket.join(streamRoom(key));
    armIdleTimer(state);
  });

  socket.on('stream-data', (data) => {
    const key = streamKeyOf(socket, data, 'stream-data');
    if (!key) {
      return;
    }
    const state = live.get(key);
    if (!state || state.broadcaster !== socket || state.ended) {
      emitTo(socket, 'stream-error', { error: `Stream ${key} not found: send start-stream first` }, socket.id);
      return;
    }
    const chunk = data.chunk;
    if (!Buffer.isBuffer(chunk) && !(chunk instanceof ArrayBuffer) && !ArrayBuffer.isView(chunk)) {
      emitTo(socket, 'stream-error', { error: 'stream-data needs a binary chunk' }, socket.id);
      return;
    }
    const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer ?? chunk, chunk.byteOffset ?? 0,
      chunk.byteLength);
    state.chunks += 1;
    state.bytes += bytes.length;
    state.lastDataAt = new Date().toISOString();
    armIdleTimer(state);
    if (!state.ffmpeg) {
      try {
        startFfmpeg(state);
      } catch (error) {
        failStream(state, `cannot start ffmpeg: ${error.message}`);
        return;
      }
      emitTo(socket, 'stream-started', { streamKey: key, status: 'broadcasting', message: 'Stream started' },
        socket.id);
    }
    state.ffmpeg.stdin.write(bytes);
  });

  socket.on('join-stream', (data) => {
    const key = streamKeyOf(socket, data, 'join-stream');
    if (!key) {
      return;
    }
    const state = live.get(key);
    if (!state || !state.broadcaster || state.ended) {
      emitTo(socket, 'stream-error', { error: `Stream ${key} not found` }, socket.id);
      return;
    }
    socket.join(streamRoom(key));
    state.viewers.add(socket.id);
    const viewerCount = state.viewers.size;
    emitTo(socket, 'stream-joined', { streamKey: key, viewerCount }, socket.id);
    emitTo(state.broadcaster, 'viewer-joined', { streamKey: key, viewerCount }, state.broadcaster.id);
  });

  socket.on('end-stream', (data) => {
    const key = streamKeyOf(socket, data, 'end-stream');
    if (!key) {
      return;
    }
    const state = live.get(key);
    if (!state || state.ended) {
      emitTo(socket, 'stream-error', { error: `Stream ${key} not found` }, socket.id);
      return;
    }
    if (state.broadcaster !== socket) {
      emitTo(socket, 'stream-error', { error: `Only the broadcaster may end stream ${key}` }, socket.id);
      return;
    }
    endStream(state, 'end-stream');
  });

  socket.on('channel-message', (data) => {
    if (!data || typeof data !== 'object' || typeof data.channel !== 'string' || data.channel === '' ||
        typeof data.content !== 'string') {
      emitTo(socket, 'stream-error', { error: 'channel-message needs {channel, content, sender}' }, socket.id);
      return;
    }
    socket.join(data.channel);
    emitTo(io.to(data.channel), 'channel-message',
      { channel: data.channel, content: data.content, sender: data.sender ?? null }, data.channel);
  });

  socket.on('disconnect', (reason) => {
    record({ kind: 'disconnect', socket: socket.id, reason });
    for (const state of live.values()) {
      if (state.broadcaster === socket) {
        endStream(state, 'disconnect');
      } else if (state.viewers.delete(socket.id) && state.broadcaster) {
        emitTo(state.broadcaster, 'viewer-left', { streamKey: state.streamKey, viewerCount: state.viewers.size },
          state.broadcaster.id);
      }
    }
  });
});

server.listen(config.port, config.host, () => {
  const address = server.address();
  baseUrl = `http://${config.host}:${address.port}`;
  console.log(`livestream backend listening on ${baseUrl} (data ${config.dataDir})`);
});

let shuttingDown = false;
function shutDown(signal) {
  if (shuttingDown) {
    return;
  }
  shuttingDown = true;
  console.log(`livestream backend: ${signal}, closing`);
  for (const state of live.values()) {
    clearTimers(state);
    killFfmpeg(state);
  }
  io.close();
  server.close(() => process.exit(0));
  server.closeAllConnections?.();
  setTimeout(() => process.exit(0), 2000).unref();
}
process.on('SIGTERM', () => shutDown('SIGTERM'));
process.on('SIGINT', () => shutDown('SIGINT'));
