import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Decoder, Encoder, PacketType } from 'socket.io-parser';
import { hasBinary } from '../../src/clients/lean/binary.ts';
import {
  ACK,
  BINARY_ACK,
  BINARY_EVENT,
  CONNECT,
  CONNECT_ERROR,
  DISCONNECT,
  EVENT,
  decodePacket,
  encodePacket,
  reconstructPacket,
  type BinaryEncoded,
  type Decoded,
  type Packet,
} from '../../src/clients/lean/parser.ts';
import { engineUrl } from '../../src/clients/socketio-lean.ts';
import { InputError } from '../../src/shared/errors.ts';
import { validateScenario } from '../../src/scenario/validate.ts';

function ok(d: Decoded): Packet {
  if (d.type === -1) assert.fail(`expected a packet, got failure: ${d.error}`);
  return d;
}

function text(e: string | BinaryEncoded): string {
  assert.equal(typeof e, 'string', 'expected a text-only encoding');
  return e as string;
}

function binary(e: string | BinaryEncoded): BinaryEncoded {
  assert.equal(typeof e, 'object', 'expected a binary encoding');
  return e as BinaryEncoded;
}

describe('lean parser: encoding', () => {
  test('the exact wire text of every packet type', () => {
    assert.equal(text(encodePacket(CONNECT, '/', -1, undefined)), '0');
    assert.equal(text(encodePacket(CONNECT, '/admin', -1, undefined)), '0/admin,');
    assert.equal(text(encodePacket(CONNECT, '/', -1, { token: 'abc' })), '0{"token":"abc"}');
    assert.equal(text(encodePacket(CONNECT, '/admin', -1, { token: 'abc' })), '0/admin,{"token":"abc"}');
    assert.equal(text(encodePacket(DISCONNECT, '/admin', -1, undefined)), '1/admin,');
    assert.equal(text(encodePacket(EVENT, '/', -1, ['hello', 1, { a: [true, null] }])), '2["hello",1,{"a":[true,null]}]');
    assert.equal(text(encodePacket(EVENT, '/', 12, ['hello'])), '212["hello"]');
    assert.equal(text(encodePacket(EVENT, '/chat', 0, ['m', 'x'])), '2/chat,0["m","x"]');
    assert.equal(text(encodePacket(ACK, '/', 7, [])), '37[]');
    assert.equal(text(encodePacket(ACK, '/chat', 123, ['a', 2])), '3/chat,123["a",2]');
    assert.equal(text(encodePacket(CONNECT_ERROR, '/', -1, { message: 'no' })), '4{"message":"no"}');
  });

  test('binary args become BINARY_EVENT / BINARY_ACK with numbered placeholders, in order, nested', () => {
    const a = Buffer.from('ab');
    const b = new Uint8Array([1, 2, 3]);
    const c = new ArrayBuffer(4);
    const e = binary(encodePacket(EVENT, '/', 3, ['up', { f: a, list: [b, 1, { deep: c }] }]));
    assert.equal(e.text, '53-3["up",{"f":{"_placeholder":true,"num":0},"list":[{"_placeholder":true,"num":1},1,{"deep":{"_placeholder":true,"num":2}}]}]');
    assert.equal(e.attachments.length, 3);
    assert.equal(e.attachments[0], a);
    assert.equal(e.attachments[1], b);
    assert.equal(e.attachments[2], c);
    const k = binary(encodePacket(ACK, '/nsp', 4, [Buffer.from([0])]));
    assert.equal(k.text, '61-/nsp,4[{"_placeholder":true,"num":0}]');
  });

  test('the input payload is not modified by binary encoding', () => {
    const payload = { f: Buffer.from('x') };
    binary(encodePacket(EVENT, '/', -1, ['e', payload]));
    assert.ok(Buffer.isBuffer(payload.f));
  });

  test('hasBinary: typed arrays, DataView, ArrayBuffer, toJSON; not dates or plain data', () => {
    assert.equal(hasBinary(['a', 1, { b: [null, { c: 'd' }] }]), false);
    assert.equal(hasBinary([new Date()]), false);
    assert.equal(hasBinary([{ x: new DataView(new ArrayBuffer(1)) }]), true);
    assert.equal(hasBinary([new Float32Array(2)]), true);
    assert.equal(hasBinary([{ toJSON: () => Buffer.from('z') }]), true);
  });

  test('matches socket.io-parser (the reference encoder) byte for byte', () => {
    const enc = new Encoder();
    const cases: Array<{ type: number; nsp: string; id?: number; data?: unknown }> = [
      { type: PacketType.CONNECT, nsp: '/' },
      { type: PacketType.CONNECT, nsp: '/admin', data: { token: 'x' } },
      { type: PacketType.DISCONNECT, nsp: '/admin' },
      { type: PacketType.EVENT, nsp: '/', data: ['e', 'é☃𝄞', 1.5, -3, null, { a: [{}] }] },
      { type: PacketType.EVENT, nsp: '/x', id: 99, data: ['e'] },
      { type: PacketType.ACK, nsp: '/', id: 5, data: [{ ok: true }] },
      { type: PacketType.EVENT, nsp: '/b', id: 1, data: ['bin', Buffer.from('a'), { n: [Buffer.from('b')] }] },
      { type: PacketType.ACK, nsp: '/', id: 2, data: [Buffer.from('c')] },
    ];
    for (const c of cases) {
      const ref = enc.encode({ ...c } as Parameters<Encoder['encode']>[0]) as Array<string | Buffer>;
      const mine = encodePacket(c.type, c.nsp, c.id ?? -1, c.data);
      if (typeof mine === 'string') assert.deepEqual([mine], ref, JSON.stringify(c));
      else {
        assert.equal(mine.text, ref[0], JSON.stringify(c));
        assert.equal(mine.attachments.length, ref.length - 1);
        mine.attachments.forEach((b, i) => assert.deepEqual(Buffer.from(b as Uint8Array), Buffer.from(ref[i + 1] as Buffer)));
      }
    }
  });
});

describe('lean parser: decoding', () => {
  test('round trips: namespaces, ack ids, payloads', () => {
    const packets: Packet[] = [
      { type: CONNECT, nsp: '/', id: -1, attachments: 0, data: undefined },
      { type: CONNECT, nsp: '/admin', id: -1, attachments: 0, data: { sid: 'abc' } },
      { type: DISCONNECT, nsp: '/', id: -1, attachments: 0, data: undefined },
      { type: DISCONNECT, nsp: '/admin', id: -1, attachments: 0, data: undefined },
      { type: EVENT, nsp: '/', id: -1, attachments: 0, data: ['hello', 'wörld', { n: [1, 2.5, -7e3] }] },
      { type: EVENT, nsp: '/', id: 0, attachments: 0, data: ['x'] },
      { type: EVENT, nsp: '/a/b', id: 987654321, attachments: 0, data: ['x', null, true, ''] },
      { type: ACK, nsp: '/', id: 42, attachments: 0, data: [] },
      { type: ACK, nsp: '/chat', id: 1, attachments: 0, data: ['a', { b: 1 }] },
      { type: CONNECT_ERROR, nsp: '/', id: -1, attachments: 0, data: { message: 'Not authorized', data: { code: 7 } } },
      { type: CONNECT_ERROR, nsp: '/x', id: -1, attachments: 0, data: 'legacy string' },
    ];
    for (const p of packets) {
      const wire = text(encodePacket(p.type, p.nsp, p.id, p.data));
      assert.deepEqual(ok(decodePacket(wire)), p, wire);
      // inside an Engine.IO message (type 4 prefix), as the transport decodes it
      assert.deepEqual(ok(decodePacket(`4${wire}`, 1)), p, `4${wire}`);
    }
  });

  test('binary round trip: placeholders are put back, nested, in both event and ack', () => {
    const args = ['up', { f: Buffer.from('ab'), list: [Buffer.from([0, 255]), 1, { deep: Buffer.from('z') }] }];
    const e = binary(encodePacket(EVENT, '/files', 8, args));
    const head = ok(decodePacket(e.text));
    assert.equal(head.type, BINARY_EVENT);
    assert.equal(head.attachments, 3);
    assert.equal(head.nsp, '/files');
    assert.equal(head.id, 8);
    const full = ok(
      reconstructPacket(
        head,
        e.attachments.map((b) => Buffer.from(b as Uint8Array)),
      ),
    );
    assert.equal(full.type, EVENT);
    assert.deepEqual(full.data, args);

    const k = binary(encodePacket(ACK, '/', 3, [Buffer.from('r'), 'text']));
    const kh = ok(decodePacket(k.text));
    assert.equal(kh.type, BINARY_ACK);
    const kf = ok(reconstructPacket(kh, [Buffer.from('r')]));
    assert.equal(kf.type, ACK);
    assert.deepEqual(kf.data, [Buffer.from('r'), 'text']);
  });

  test('decodes what socket.io-parser (the reference) encodes, binary included', async () => {
    const enc = new Encoder();
    const dec = new Decoder();
    const refDecoded: unknown[] = [];
    dec.on('decoded', (p: unknown) => refDecoded.push(p));
    const src = [
      { type: PacketType.EVENT, nsp: '/room', id: 17, data: ['ev', { a: 'b' }, [1, [2, [3]]]] },
      { type: PacketType.EVENT, nsp: '/', data: ['b', { x: Buffer.from('hello') }, Buffer.from('w')] }, // promoted to BINARY_EVENT
    ];
    for (const p of src) {
      const frames = enc.encode({ ...p } as Parameters<Encoder['encode']>[0]) as Array<string | Buffer>;
      for (const f of frames) dec.add(f);
      let head = ok(decodePacket(frames[0] as string));
      if (frames.length > 1) head = ok(reconstructPacket(head, frames.slice(1)));
      const ref = refDecoded.shift() as { type: number; nsp: string; id?: number; data: unknown };
      assert.equal(head.type, ref.type);
      assert.equal(head.nsp, ref.nsp);
      assert.equal(head.id, ref.id ?? -1);
      assert.deepEqual(head.data, ref.data);
    }
  });

  test('malformed packets are rejected with a reason, never thrown', () => {
    const bad = [
      '',
      '9',
      'x["a"]',
      '5["a"]', // binary without attachment count
      '5-["a"]', // empty count
      '5x-["a"]',
      '50-["a"]', // zero attachments
      '511-["a"]', // more than 10 attachments
      '2["a"', // truncated JSON
      '2{"a":1}', // event payload not an array
      '2[]', // no event name
      '2[{}]', // event name not a string or number
      '2["connect"]', // reserved name
      '2["disconnect",1]',
      '1{"a":1}', // disconnect with payload
      '0[1]', // connect with array payload
      '3{"a":1}', // ack payload not an array
      '3/nsp,5', // ack without payload
      '21234567890123456["a"]', // ack id beyond 15 digits
      '4', // connect_error without payload
      '4[1]',
      '2/admin["a"]', // namespace without comma: whole rest is the nsp, then no payload
    ];
    for (const s of bad) {
      let r: Decoded | undefined;
      assert.doesNotThrow(() => {
        r = decodePacket(s);
      }, s);
      assert.equal(r!.type, -1, `accepted malformed ${JSON.stringify(s)}`);
      assert.equal(typeof (r as { error?: unknown }).error, 'string');
    }
  });

  test('bad placeholders are rejected: index out of range, non-integer, missing frames', () => {
    const head = ok(decodePacket('52-["b",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]'));
    assert.equal(reconstructPacket(head, [Buffer.from('a')]).type, -1, 'too few frames');
    const out = ok(decodePacket('51-["b",{"_placeholder":true,"num":3}]'));
    assert.equal(reconstructPacket(out, [Buffer.from('a')]).type, -1, 'num out of range');
    const frac = ok(decodePacket('51-["b",{"_placeholder":true,"num":0.5}]'));
    assert.equal(reconstructPacket(frac, [Buffer.from('a')]).type, -1, 'num not an integer');
    const good = ok(decodePacket('51-["b",{"_placeholder":true,"num":0}]'));
    assert.equal(reconstructPacket(good, [Buffer.from('a')]).type, EVENT);
  });

  test('random garbage never throws (seeded fuzz over the header alphabet)', () => {
    let seed = 12345;
    const rnd = (): number => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    const alphabet = '0123456789-/,[]{}"_:abcnum\\ ';
    let accepted = 0;
    for (let n = 0; n < 5000; n++) {
      let s = '';
      const len = Math.floor(rnd() * 24);
      for (let i = 0; i < len; i++) s += alphabet[Math.floor(rnd() * alphabet.length)];
      const r = decodePacket(s);
      if (r.type !== -1) {
        accepted++;
        assert.ok(r.type >= 0 && r.type <= 6);
        assert.equal(typeof r.nsp, 'string');
      }
    }
    assert.ok(accepted < 5000);
  });
});

describe('lean engine: URL and scenario validation', () => {
  test('engine URL: ws scheme, trailing slash, EIO=4, websocket transport, target query kept', () => {
    assert.equal(engineUrl('http://127.0.0.1:3000', '/socket.io'), 'ws://127.0.0.1:3000/socket.io/?EIO=4&transport=websocket');
    assert.equal(engineUrl('https://127.0.0.1:3000/?token=a', '/rt/'), 'wss://127.0.0.1:3000/rt/?token=a&EIO=4&transport=websocket');
  });

  const base = { name: 'x', phases: [{ duration: '1s', arrivalRate: 1 }], session: async () => {} };

  test("engine 'socket.io-lean' is accepted, path defaults to /socket.io", () => {
    const r = validateScenario({ ...base, engine: 'socket.io-lean' }, 'x.ts');
    assert.equal(r.engine, 'socket.io-lean');
    assert.equal(r.path, '/socket.io');
    assert.deepEqual(r.transports, ['websocket']);
  });

  test("'polling' with the lean engine is rejected, naming the field and the engine", () => {
    for (const transports of [['polling'], ['polling', 'websocket']]) {
      assert.throws(
        () => validateScenario({ ...base, engine: 'socket.io-lean', transports }, 'x.ts'),
        (e: unknown) => e instanceof InputError && e.details.some((d) => d.includes('`transports`') && d.includes("'socket.io-lean'")),
      );
    }
    // the same transports stay valid for socket.io-client
    assert.doesNotThrow(() => validateScenario({ ...base, engine: 'socket.io', transports: ['polling', 'websocket'] }, 'x.ts'));
  });
});
