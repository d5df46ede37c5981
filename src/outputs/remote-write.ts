import { importOptional } from '../shared/optional.ts';

/** One time series of a Prometheus remote-write request: its labels (with `__name__`) and samples. */
export interface Series {
  labels: Record<string, string>;
  samples: Array<{ value: number; timestamp: number }>;
}

/**
 * The Prometheus remote-write 1.0 message (prometheus/prompb types.proto, the fields we send):
 * WriteRequest { repeated TimeSeries timeseries = 1 }, TimeSeries { repeated Label labels = 1;
 * repeated Sample samples = 2 }, Label { string name = 1; string value = 2 },
 * Sample { double value = 1; int64 timestamp = 2 } (ms since the epoch).
 */
const SCHEMA = {
  nested: {
    prometheus: {
      nested: {
        WriteRequest: { fields: { timeseries: { rule: 'repeated', type: 'TimeSeries', id: 1 } } },
        TimeSeries: { fields: { labels: { rule: 'repeated', type: 'Label', id: 1 }, samples: { rule: 'repeated', type: 'Sample', id: 2 } } },
        Label: { fields: { name: { type: 'string', id: 1 }, value: { type: 'string', id: 2 } } },
        Sample: { fields: { value: { type: 'double', id: 1 }, timestamp: { type: 'int64', id: 2 } } },
      },
    },
  },
};

/** Encodes and decodes remote-write bodies: protobuf WriteRequest, snappy block-compressed. */
export interface RemoteWriteCodec {
  encode(series: Series[]): Uint8Array;
  decode(body: Uint8Array): Series[];
}

/** The codec; protobufjs and snappyjs load on first use (a run without this output never loads them). */
export async function remoteWriteCodec(): Promise<RemoteWriteCodec> {
  const [{ default: protobuf }, { default: snappy }] = await Promise.all([
    importOptional('protobufjs', () => import('protobufjs')),
    importOptional('snappyjs', () => import('snappyjs')),
  ]);
  const WriteRequest = protobuf.Root.fromJSON(SCHEMA).lookupType('prometheus.WriteRequest');
  return {
    encode(series) {
      const timeseries = series.map((s) => ({
        // the protocol wants labels sorted by name
        labels: Object.keys(s.labels)
          .sort()
          .map((name) => ({ name, value: s.labels[name]! })),
        samples: s.samples,
      }));
      // plain objects of the message's shape encode as they are (fromObject would copy and check every field)
      const raw = WriteRequest.encode({ timeseries }).finish();
      return snappy.compress(raw);
    },
    decode(body) {
      const msg = WriteRequest.toObject(WriteRequest.decode(snappy.uncompress(body)), { longs: Number, defaults: true }) as {
        timeseries: Array<{ labels: Array<{ name: string; value: string }>; samples: Array<{ value: number; timestamp: number }> }>;
      };
      return msg.timeseries.map((t) => ({ labels: Object.fromEntries(t.labels.map((l) => [l.name, l.value])), samples: t.samples }));
    },
  };
}
