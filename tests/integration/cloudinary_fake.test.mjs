// Integration: the Cloudinary Live Streaming API stand-in follows the documented shapes, injects the
// faults the client must survive, and a stream created on it really plays through the local ingest.
// SPDX-License-Identifier: GPL-2.0-or-later
//
// Starts its own fake (port 0) so its fault state is private; pushes to the stack's nginx-rtmp.
// Run with: node --test cloudinary_fake.test.mjs   (HOSTSTUDIO_STACK_DIR names the running stack)

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';

const here = path.dirname(fileURLToPath(import.meta.url));
const fakeScript = path.join(here, '..', 'peers', 'cloudinary-fake.mjs');

function stackEnvironment() {
  const stackDir = process.env.HOSTSTUDIO_STACK_DIR;
  assert.ok(stackDir, 'set HOSTSTUDIO_STACK_DIR (the stack fixture does)');
  const values = {};
  for (const line of readFileSync(path.join(stackDir, 'stack.env'), 'utf8').split('\n')) {
    const match = /^(HOSTSTUDIO_[A-Z_]+)=(.*)$/.exec(line);
    if (match) {
      values[match[1]] = match[2].replace(/^'(.*)'$/, '$1');
    }
  }
  return values;
}

const HEX32 = /^[0-9a-f]{32}$/;
const cloud = 'testcloud';
const apiKey = '987654321098765';
const apiSecret = 'fake-secret-for-tests-0123456789';
const goodAuth = 'Basic ' + Buffer.from(`${apiKey}:${apiSecret}`).toString('base64');

let fake;
let baseUrl; // http://127.0.0.1:PORT
let stack;

async function api(method, pathSuffix, { body, auth = goodAuth, prefix = `/v2/video/${cloud}` } = {}) {
  const headers = { Accept: 'application/json' };
  if (auth) {
    headers.Authorization = auth;
  }
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
  }
  const response = await fetch(`${baseUrl}${prefix}/live_streams${pathSuffix}`, {
    method,
    headers,
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    signal: AbortSignal.timeout(10000),
  });
  const text = await response.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

async function injectFault(fault) {
  const response = await fetch(`${baseUrl}/__faults`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(fault),
  });
  assert.equal(response.status, 200);
}

function assertErrorEnvelope(result, status) {
  assert.equal(result.status, status, result.text);
  assert.match(result.json.request_id, HEX32);
  assert.equal(typeof result.json.error.message, 'string');
  assert.ok(result.json.error.message.length > 0);
  assert.equal(result.json.data, undefined);
}

before(async () => {
  stack = stackEnvironment();
  fake = spawn(process.execPath, [fakeScript, '--host', '127.0.0.1', '--port', '0', '--cloud', cloud,
    '--api-key', apiKey, '--api-secret', apiSecret, '--ingest-uri', stack.HOSTSTUDIO_RTMP_URL,
    '--hls-base', stack.HOSTSTUDIO_HLS_BASE_URL], { stdio: ['ignore', 'pipe', 'inherit'] });
  baseUrl = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the fake did not start in 10 s')), 10000);
    let seen = '';
    fake.stdout.on('data', (chunk) => {
      seen += chunk;
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(seen);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    fake.on('exit', (code) => reject(new Error(`the fake exited with ${code}`)));
  });
});

after(() => {
  fake?.kill('SIGTERM');
});

describe('authentication', () => {
  test('no credentials: 401 with an error envelope', async () => {
    assertErrorEnvelope(await api('GET', '', { auth: null }), 401);
  });
  test('a wrong secret: 401', async () => {
    const wrong = 'Basic ' + Buffer.from(`${apiKey}:nope`).toString('base64');
    assertErrorEnvelope(await api('GET', '', { auth: wrong }), 401);
  });
  test('a wrong cloud name: 401', async () => {
    assertErrorEnvelope(await api('GET', '', { prefix: '/v2/video/othercloud' }), 401);
  });
});

describe('the stream lifecycle', () => {
  let stream;

  test('create answers 200 with the documented stream object', async () => {
    const before = Date.now();
    const result = await api('POST', '', {
      body: { name: 'Talk', input: { type: 'rtmp' }, idle_timeout_sec: 120, max_runtime_sec: 3600 },
    });
    assert.equal(result.status, 200, result.text);
    assert.match(result.json.request_id, HEX32);
    stream = result.json.data;
    assert.match(stream.id, HEX32);
    assert.equal(stream.name, 'Talk');
    assert.equal(stream.status, 'idle');
    assert.deepEqual(Object.keys(stream.input).sort(), ['stream_key', 'type', 'uri']);
    assert.equal(stream.input.type, 'rtmp');
    assert.equal(stream.input.uri, stack.HOSTSTUDIO_RTMP_URL);
    assert.match(stream.input.stream_key, /^[a-z0-9]{20}$/);
    assert.equal(stream.idle_timeout_sec, 120);
    assert.equal(stream.max_runtime_sec, 3600);
    assert.ok(stream.created_at >= before && stream.created_at <= Date.now() + 1, 'created_at in epoch ms');
    const hls = stream.outputs.find((output) => output.type === 'hls');
    assert.equal(hls.uri, `${stack.HOSTSTUDIO_HLS_BASE_URL}/${stream.input.stream_key}.m3u8`);
    const archive = stream.outputs.find((output) => output.type === 'archive');
    assert.equal(archive.public_id, `live_stream_${stream.id}_archive`);
    for (const output of stream.outputs) {
      assert.match(output.id, HEX32);
    }
  });

  test('get, list and the SDK path agree', async () => {
    const got = await api('GET', `/${stream.id}`);
    assert.equal(got.status, 200);
    assert.equal(got.json.data.input.stream_key, stream.input.stream_key, 'stream keys are permanent');
    const listed = await api('GET', '');
    assert.ok(listed.json.data.some((entry) => entry.id === stream.id));
    const viaSdkPath = await api('GET', `/${stream.id}`, { prefix: `/v2/${cloud}/video` });
    assert.equal(viaSdkPath.json.data.id, stream.id);
  });

  test('update changes the name only', async () => {
    const result = await api('PATCH', `/${stream.id}`, { body: { name: 'Renamed' } });
    assert.equal(result.status, 200);
    assert.equal(result.json.data.name, 'Renamed');
    assert.equal(result.json.data.input.stream_key, stream.input.stream_key);
    assert.ok(result.json.data.updated_at >= stream.updated_at);
  });

  test('a pushed stream plays from the HLS output, then idles and is deleted', async () => {
    const activated = await api('POST', `/${stream.id}/activate`);
    assert.equal(activated.status, 200);
    assert.equal(typeof activated.json.data.message, 'string');
    assert.equal((await api('GET', `/${stream.id}`)).json.data.status, 'active');

    const ingest = `${stream.input.uri}/${stream.input.stream_key}`;
    const push = spawnSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-re',
      '-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=25', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000',
      '-t', '5', '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '50', '-c:a', 'aac', '-f', 'flv', ingest],
    { encoding: 'utf8', timeout: 60000 });
    assert.equal(push.status, 0, `ffmpeg push failed: ${push.stderr}`);

    const hlsUri = stream.outputs.find((output) => output.type === 'hls').uri;
    const probe = spawnSync('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_name,width,height',
      '-of', 'json', hlsUri], { encoding: 'utf8', timeout: 30000 });
    assert.equal(probe.status, 0, `ffprobe could not play ${hlsUri}: ${probe.stderr}`);
    const streams = JSON.parse(probe.stdout).streams;
    const video = streams.find((entry) => entry.codec_name === 'h264');
    assert.ok(video, `no H.264 in ${probe.stdout}`);
    assert.equal(video.width, 640);
    assert.ok(streams.some((entry) => entry.codec_name === 'aac'), 'no AAC audio');

    const idled = await api('POST', `/${stream.id}/idle`);
    assert.equal(idled.status, 200);
    assert.equal((await api('GET', `/${stream.id}`)).json.data.status, 'idle');
    const deleted = await api('DELETE', `/${stream.id}`);
    assert.equal(deleted.status, 200);
    assert.equal(typeof deleted.json.data.message, 'string');
    assertErrorEnvelope(await api('GET', `/${stream.id}`), 404);
  });
});

describe('outputs', () => {
  test('create, list, update and delete an output', async () => {
    const stream = (await api('POST', '', { body: { input: { type: 'rtmp' } } })).json.data;
    assert.equal(stream.name, null, 'a stream without a name has name null');
    const created = await api('POST', `/${stream.id}/outputs`,
      { body: { type: 'rtmp', name: 'restream', uri: 'rtmp://127.0.0.1:1/x', stream_key: 'k' } });
    assert.equal(created.status, 200);
    const output = created.json.data;
    assert.match(output.id, HEX32);
    assert.equal((await api('GET', `/${stream.id}/outputs`)).json.data.length, 3);
    const updated = await api('PATCH', `/${stream.id}/outputs/${output.id}`, { body: { name: 'renamed' } });
    assert.equal(updated.json.data.name, 'renamed');
    assert.equal((await api('DELETE', `/${stream.id}/outputs/${output.id}`)).status, 200);
    assertErrorEnvelope(await api('GET', `/${stream.id}/outputs/${output.id}`), 404);
    await api('DELETE', `/${stream.id}`);
  });
});

describe('bad requests', () => {
  const rows = [
    ['no input', { name: 'x' }],
    ['input type not rtmp', { input: { type: 'srt' } }],
    ['name not a string', { name: 5, input: { type: 'rtmp' } }],
    ['negative timeout', { input: { type: 'rtmp' }, idle_timeout_sec: -1 }],
    ['not JSON', '{"input": '],
    ['a JSON array', '[1,2]'],
  ];
  for (const [name, body] of rows) {
    test(`create with ${name}: 400`, async () => {
      assertErrorEnvelope(await api('POST', '', { body }), 400);
    });
  }
  test('an unknown id: 404', async () => {
    assertErrorEnvelope(await api('GET', '/0123456789abcdef0123456789abcdef'), 404);
    assertErrorEnvelope(await api('POST', '/0123456789abcdef0123456789abcdef/activate'), 404);
  });
});

describe('injected faults', () => {
  test('500 then a normal answer', async () => {
    await injectFault({ mode: 'status500', count: 1 });
    assertErrorEnvelope(await api('GET', ''), 500);
    assert.equal((await api('GET', '')).status, 200);
  });
  test('429 with reset headers', async () => {
    await injectFault({ mode: 'rateLimit', resetSeconds: 7 });
    const result = await api('GET', '');
    assertErrorEnvelope(result, 429);
    assert.equal(result.headers.get('retry-after'), '7');
    assert.equal(result.headers.get('x-featureratelimit-remaining'), '0');
    const reset = Date.parse(result.headers.get('x-featureratelimit-reset'));
    assert.ok(reset > Date.now() && reset <= Date.now() + 8000, 'reset about 7 s ahead');
  });
  test('420 as the Admin API answers it', async () => {
    await injectFault({ mode: 'rateLimit420', resetSeconds: 3 });
    assertErrorEnvelope(await api('GET', ''), 420);
  });
  test('malformed JSON with status 200', async () => {
    await injectFault({ mode: 'malformed' });
    const result = await api('GET', '');
    assert.equal(result.status, 200);
    assert.equal(result.json, undefined, 'the body must not parse');
  });
  test('a truncated body', async () => {
    await injectFault({ mode: 'truncated' });
    await assert.rejects(api('GET', ''));
  });
  test('wrong types', async () => {
    await injectFault({ mode: 'wrongTypes' });
    const result = await api('GET', '');
    assert.equal(result.status, 200);
    assert.equal(typeof result.json.data.id, 'number');
    assert.equal(typeof result.json.data.created_at, 'string');
  });
  test('a delay', async () => {
    await injectFault({ mode: 'delay', delayMs: 800 });
    const started = Date.now();
    assert.equal((await api('GET', '')).status, 200);
    assert.ok(Date.now() - started >= 750, 'the answer came too early');
  });
  test('the request log shows what was asked and whether it was authorised', async () => {
    const log = await (await fetch(`${baseUrl}/__requests`)).json();
    assert.ok(log.length > 10);
    assert.ok(log.some((entry) => entry.authorised === false));
    assert.ok(log.every((entry) => !JSON.stringify(entry).includes(apiSecret)), 'the log must not hold the secret');
  });
});
