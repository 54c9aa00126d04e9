package dev.detour.worker.internal;

import dev.detour.worker.offsets.OffsetTracker.Ticket;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** One record being processed on its own virtual thread. */
final class CallTask {
    final Ticket ticket;
    final String provider;
    final ConsumerRecord<byte[], byte[]> record;
    private volatile boolean abandoned;
    private volatile boolean finished;
    private volatile Thread thread;

    CallTask(Ticket ticket, String provider, ConsumerRecord<byte[], byte[]> record) {
        this.ticket = ticket;
        this.provider = provider;
        this.record = record;
    }

    void runOn(Thread thread) {
        this.thread = thread;
    }

    boolean abandoned() {
        return abandoned;
    }

    /** Its partition went elsewhere: publish nothing more, stop waiting. */
    void abandon() {
        abandoned = true;
        Thread t = thread;
        if (t != null) {
            t.interrupt();
        }
    }

    /** Whether every output was acknowledged, so the offset may be passed. */
    boolean finished() {
        return finished;
    }

    void markFinished() {
        finished = true;
    }
}
