package dev.detour.router.internal;

import dev.detour.router.health.BreakerConfig;
import dev.detour.router.health.DeploymentHealthAggregate;
import dev.detour.router.health.HealthWindow;
import dev.detour.router.health.HealthWindowConfig;
import dev.detour.router.health.LatencySketch;
import dev.detour.schema.CircuitState;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Binary form of a {@link DeploymentHealthAggregate} in the aggregator's changelogged store. Private
 * to the router, so a compact hand-written format (versioned) instead of Avro: it is rewritten on
 * every feedback record. Window shape changes between versions just start a fresh window.
 */
final class HealthAggregateCodec {
    private static final byte VERSION = 1;

    private final HealthWindowConfig windowConfig;
    private final BreakerConfig breakerConfig;

    HealthAggregateCodec(HealthWindowConfig windowConfig, BreakerConfig breakerConfig) {
        this.windowConfig = windowConfig;
        this.breakerConfig = breakerConfig;
    }

    byte[] encode(DeploymentHealthAggregate a) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeByte(VERSION);
            out.writeUTF(a.deploymentId());
            out.writeUTF(a.provider());
            out.writeUTF(a.model());
            var b = a.breaker();
            out.writeByte(b.storedState().ordinal());
            out.writeLong(b.stateSinceMs());
            out.writeLong(b.openUntilMs());
            out.writeInt(b.trips());
            out.writeInt(b.consecutiveFailures());
            out.writeInt(b.halfOpenSuccesses());
            boolean[] ring = b.ringInOrder();
            out.writeInt(ring.length);
            for (boolean f : ring) {
                out.writeBoolean(f);
            }
            out.writeLong(a.lastRetryAfterMs() == null ? -1 : a.lastRetryAfterMs());
            out.writeLong(a.cooldownUntilMs());
            HealthWindow w = a.window();
            out.writeInt(w.bucketCount());
            out.writeLong(windowConfig.bucketMs());
            for (int i = 0; i < w.bucketCount(); i++) {
                HealthWindow.Bucket bucket = w.bucket(i);
                out.writeLong(bucket.startMs());
                out.writeLong(bucket.calls());
                long[] errors = bucket.errors();
                out.writeByte(errors.length);
                for (long e : errors) {
                    out.writeLong(e);
                }
                LatencySketch s = bucket.latency();
                int[] idx = s.nonEmptyIndexes();
                out.writeShort(idx.length);
                for (int j : idx) {
                    out.writeShort(j);
                    out.writeLong(s.countAt(j));
                }
            }
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    DeploymentHealthAggregate decode(byte[] data) {
        try {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(data));
            byte version = in.readByte();
            if (version != VERSION) {
                throw new IllegalStateException("unknown health aggregate version " + version);
            }
            DeploymentHealthAggregate a = new DeploymentHealthAggregate(in.readUTF(), in.readUTF(), in.readUTF(),
                    windowConfig, breakerConfig);
            CircuitState state = CircuitState.values()[in.readByte()];
            long since = in.readLong();
            long openUntil = in.readLong();
            int trips = in.readInt();
            int consecutive = in.readInt();
            int halfOpenSuccesses = in.readInt();
            boolean[] ring = new boolean[in.readInt()];
            for (int i = 0; i < ring.length; i++) {
                ring[i] = in.readBoolean();
            }
            a.breaker().restore(state, since, openUntil, trips, consecutive, halfOpenSuccesses, ring);
            long lastRetryAfter = in.readLong();
            a.restoreRetryAfter(lastRetryAfter < 0 ? null : lastRetryAfter, in.readLong());
            int buckets = in.readInt();
            long bucketMs = in.readLong();
            boolean sameShape = buckets == a.window().bucketCount() && bucketMs == windowConfig.bucketMs();
            for (int i = 0; i < buckets; i++) {
                long start = in.readLong();
                long calls = in.readLong();
                int classes = in.readByte();
                long[] errors = new long[classes];
                for (int c = 0; c < classes; c++) {
                    errors[c] = in.readLong();
                }
                int n = in.readShort();
                HealthWindow.Bucket bucket = sameShape ? a.window().bucket(i) : null;
                if (bucket != null) {
                    bucket.restore(start, calls);
                    System.arraycopy(errors, 0, bucket.errors(), 0, Math.min(classes, bucket.errors().length));
                }
                for (int j = 0; j < n; j++) {
                    int index = in.readShort();
                    long count = in.readLong();
                    if (bucket != null) {
                        bucket.latency().addAt(index, count);
                    }
                }
            }
            return a;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
