import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

// The workspace installs kafkajs with patches/kafkajs@2.2.4.patch (root package.json,
// pnpm.patchedDependencies): linear message grouping and allocation-free varint encoding. These
// check that the installed copy is the patched one and that it writes the same bytes as the
// original code paths, which the patch keeps for values it does not take the fast path on.
const require = createRequire(import.meta.url);

interface EncoderInstance {
  writeInt8(v: number): EncoderInstance;
  writeVarInt(v: number): EncoderInstance;
  writeUVarInt(v: number): EncoderInstance;
  writeVarLong(v: unknown): EncoderInstance;
  writeString(v: string): EncoderInstance;
  readonly buffer: Buffer;
}
interface EncoderClass {
  new (initialSize?: number): EncoderInstance;
  sizeOfVarLong(v: unknown): number;
}
interface LongStatic {
  fromNumber(v: number): unknown;
}
type Group = (args: { topic: string; partitionMetadata: unknown[]; messages: { key: string }[]; partitioner: (a: { message: { key: string } }) => number }) => Record<string, { key: string }[]>;

const Encoder = require('kafkajs/src/protocol/encoder.js') as EncoderClass;
const Long = require('kafkajs/src/utils/long.js') as LongStatic;
const Decoder = require('kafkajs/src/protocol/decoder.js') as new (b: Buffer) => { readVarInt(): number; readVarLong(): { toString(): string } };
const groupMessagesPerPartition = require('kafkajs/src/producer/groupMessagesPerPartition.js') as Group;

/** Deterministic values across every varint length, both signs and the int32 edges. */
function values(): number[] {
  const out = [0, 1, -1, 63, 64, -64, -65, 127, 128, 16383, 16384, 2 ** 31 - 1, -(2 ** 31), 2 ** 31, -(2 ** 31) - 1, 2 ** 40, -(2 ** 40)];
  let s = 12345;
  for (let i = 0; i < 5000; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const magnitude = 2 ** ((s % 3400) / 100);
    out.push(Math.floor((s & 1 ? 1 : -1) * magnitude));
  }
  return out;
}

describe('patched kafkajs', () => {
  it('is the installed copy', () => {
    expect(groupMessagesPerPartition.toString()).not.toContain('[...current, message]');
    expect(new Encoder().writeUVarInt.toString()).not.toContain('Buffer.from');
  });

  it('writes a number varlong with the same bytes as the Long path, and decodes back to it', () => {
    for (const v of values()) {
      const fast = new Encoder().writeInt8(7).writeVarLong(v).writeInt8(9).buffer;
      const viaLong = new Encoder().writeInt8(7).writeVarLong(Long.fromNumber(v)).writeInt8(9).buffer;
      expect(fast.equals(viaLong), `varlong ${v}`).toBe(true);
      expect(Encoder.sizeOfVarLong(v), `size ${v}`).toBe(Encoder.sizeOfVarLong(Long.fromNumber(v)));
      expect(fast.length).toBe(2 + Encoder.sizeOfVarLong(v));
      const d = new Decoder(fast.subarray(1));
      expect(d.readVarLong().toString()).toBe(String(v));
    }
  });

  it('round-trips varints written in place, across buffer growth', () => {
    const ints = values().filter((v) => v >= -(2 ** 31) && v <= 2 ** 31 - 1);
    const e = new Encoder(1);
    for (const v of ints) e.writeVarInt(v).writeString('x');
    const d = new Decoder(e.buffer) as unknown as { readVarInt(): number; readString(): string };
    for (const v of ints) {
      expect(d.readVarInt()).toBe(v);
      expect(d.readString()).toBe('x');
    }
  });

  it('groups messages per partition, in send order', () => {
    const messages = Array.from({ length: 3000 }, (_, i) => ({ key: `k${i}` }));
    const grouped = groupMessagesPerPartition({ topic: 't', partitionMetadata: [{}], messages, partitioner: ({ message }) => Number(message.key.slice(1)) % 6 });
    expect(Object.keys(grouped)).toEqual(['0', '1', '2', '3', '4', '5']);
    for (const [p, list] of Object.entries(grouped)) {
      expect(list).toHaveLength(500);
      expect(list.map((m) => m.key)).toEqual(Array.from({ length: 500 }, (_, i) => `k${i * 6 + Number(p)}`));
    }
    expect(groupMessagesPerPartition({ topic: 't', partitionMetadata: [], messages, partitioner: () => 0 })).toEqual({});
  });
});
