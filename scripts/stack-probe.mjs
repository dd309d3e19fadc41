#!/usr/bin/env node
// Readiness probes for the native stack, with no npm dependency so `scripts/stack up` works before
// `pnpm install`. Each probe makes a real protocol request, not a port check:
//   kafka  - a Metadata (v4) request; ready when the broker lists itself
//   mongo  - OP_MSG { ping: 1, $db: "admin" }; ready when ok == 1
//   redis  - PING; ready on +PONG
// usage: node scripts/stack-probe.mjs kafka|mongo|redis HOST PORT   (exit 0 = ready)
import net from 'node:net';

const [kind, host = '127.0.0.1', portArg] = process.argv.slice(2);
const port = Number(portArg);

function request(payload, isComplete, timeoutMs = 3000) {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    const chunks = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.on('connect', () => socket.write(payload));
    socket.on('data', (chunk) => {
      chunks.push(chunk);
      const buf = Buffer.concat(chunks);
      if (isComplete(buf)) {
        clearTimeout(timer);
        socket.end();
        resolve(buf);
      }
    });
    socket.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

const sized = (buf) => buf.length >= 4 && buf.length >= 4 + buf.readInt32BE(0);

async function probeKafka() {
  const clientId = Buffer.from('stack-probe');
  const body = Buffer.alloc(2 + 2 + 4 + 2 + clientId.length + 4 + 1);
  let o = 0;
  o = body.writeInt16BE(3, o); // api key: Metadata
  o = body.writeInt16BE(4, o); // version 4 (v0-v3 were removed in Kafka 4.0)
  o = body.writeInt32BE(1, o); // correlation id
  o = body.writeInt16BE(clientId.length, o);
  o += clientId.copy(body, o);
  o = body.writeInt32BE(-1, o); // all topics
  body.writeInt8(0, o); // allow_auto_topic_creation = false
  const size = Buffer.alloc(4);
  size.writeInt32BE(body.length);
  const res = await request(Buffer.concat([size, body]), sized);
  // size(4) correlation(4) throttle(4) brokers count(4)
  const brokers = res.readInt32BE(12);
  if (brokers < 1) throw new Error('metadata lists no broker yet');
}

function bsonPing() {
  // { ping: 1 (int32), $db: "admin" }
  const parts = [Buffer.from([0x10]), Buffer.from('ping\0'), Buffer.from([1, 0, 0, 0])];
  const db = Buffer.from('admin\0');
  const dbLen = Buffer.alloc(4);
  dbLen.writeInt32LE(db.length);
  parts.push(Buffer.from([0x02]), Buffer.from('$db\0'), dbLen, db);
  const content = Buffer.concat(parts);
  const doc = Buffer.alloc(4 + content.length + 1);
  doc.writeInt32LE(doc.length);
  content.copy(doc, 4);
  return doc;
}

async function probeMongo() {
  const doc = bsonPing();
  const msg = Buffer.alloc(16 + 4 + 1 + doc.length);
  msg.writeInt32LE(msg.length, 0);
  msg.writeInt32LE(1, 4); // request id
  msg.writeInt32LE(0, 8);
  msg.writeInt32LE(2013, 12); // OP_MSG
  msg.writeUInt32LE(0, 16); // flags
  msg.writeUInt8(0, 20); // section kind 0
  doc.copy(msg, 21);
  const res = await request(msg, (b) => b.length >= 4 && b.length >= b.readInt32LE(0));
  // The reply is a BSON document holding ok: 1.0; look for the double field "ok" == 1.
  const idx = res.indexOf(Buffer.from([0x01, 0x6f, 0x6b, 0x00]));
  if (idx < 0 || res.readDoubleLE(idx + 4) !== 1) throw new Error('ping did not return ok: 1');
}

async function probeRedis() {
  const res = await request(Buffer.from('PING\r\n'), (b) => b.includes('\r\n'));
  if (!res.toString().startsWith('+PONG')) throw new Error(`unexpected reply ${JSON.stringify(res.toString())}`);
}

const probes = { kafka: probeKafka, mongo: probeMongo, redis: probeRedis };
const probe = probes[kind];
if (!probe || !Number.isInteger(port)) {
  process.stderr.write('usage: stack-probe.mjs kafka|mongo|redis HOST PORT\n');
  process.exit(2);
}
try {
  await probe();
  process.exit(0);
} catch (err) {
  process.stderr.write(`${kind} ${host}:${port}: ${err.message}\n`);
  process.exit(1);
}
