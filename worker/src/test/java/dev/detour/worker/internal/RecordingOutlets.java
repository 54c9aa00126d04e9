package dev.detour.worker.internal;

import dev.detour.schema.AttemptOutcome;
import dev.detour.schema.CompletionResult;
import dev.detour.schema.DeadLetter;
import dev.detour.schema.RoutedRequest;
import dev.detour.schema.UsageRecord;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Future;

/** Outlets that keep what was published, for tests of the call logic without a broker. */
final class RecordingOutlets implements Outlets {
    final List<AttemptOutcome> feedback = new CopyOnWriteArrayList<>();
    final List<UsageRecord> usage = new CopyOnWriteArrayList<>();
    final List<CompletionResult> results = new CopyOnWriteArrayList<>();
    final List<DeadLetter> deadLetters = new CopyOnWriteArrayList<>();
    final List<RoutedRequest> retries = new CopyOnWriteArrayList<>();

    @Override
    public Future<?> feedback(AttemptOutcome o) {
        feedback.add(o);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public Future<?> usage(UsageRecord u) {
        usage.add(u);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public Future<?> result(CompletionResult r) {
        results.add(r);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public Future<?> deadLetter(DeadLetter d) {
        deadLetters.add(d);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public Future<?> retry(RoutedRequest r) {
        retries.add(r);
        return CompletableFuture.completedFuture(null);
    }
}
