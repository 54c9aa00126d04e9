package dev.detour.worker.internal;

import dev.detour.schema.AttemptOutcome;
import dev.detour.schema.CompletionResult;
import dev.detour.schema.DeadLetter;
import dev.detour.schema.RoutedRequest;
import dev.detour.schema.UsageRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;

/**
 * The outputs of one record's processing. Once the record is abandoned (its partition went to
 * another worker, which will process it again) nothing more is published: the new owner's outputs
 * are the ones that count. The record is finished only when every send is acknowledged.
 */
final class Emitter {
    private final Outlets outlets;
    private final BooleanSupplier abandoned;
    private final List<Future<?>> sent = new ArrayList<>(4);

    Emitter(Outlets outlets, BooleanSupplier abandoned) {
        this.outlets = outlets;
        this.abandoned = abandoned;
    }

    boolean abandoned() {
        return abandoned.getAsBoolean();
    }

    void feedback(AttemptOutcome o) {
        if (!abandoned()) sent.add(outlets.feedback(o));
    }

    void usage(UsageRecord u) {
        if (!abandoned()) sent.add(outlets.usage(u));
    }

    void result(CompletionResult r) {
        if (!abandoned()) sent.add(outlets.result(r));
    }

    void deadLetter(DeadLetter d) {
        if (!abandoned()) sent.add(outlets.deadLetter(d));
    }

    void retry(RoutedRequest r) {
        if (!abandoned()) sent.add(outlets.retry(r));
    }

    /** Waits for every send; throws if one failed (the record then stays unfinished). */
    void awaitAll() throws InterruptedException, ExecutionException {
        for (Future<?> f : sent) {
            f.get();
        }
    }
}
