package dev.detour.worker.internal;

import dev.detour.schema.AttemptOutcome;
import dev.detour.schema.CompletionResult;
import dev.detour.schema.DeadLetter;
import dev.detour.schema.RoutedRequest;
import dev.detour.schema.UsageRecord;
import java.util.concurrent.Future;

/** The topics a call's outcome goes to; each future completes when the record is acknowledged. */
public interface Outlets {
    /** detour.feedback, keyed by deployment id. */
    Future<?> feedback(AttemptOutcome outcome);

    /** detour.usage, keyed by attempt id. */
    Future<?> usage(UsageRecord usage);

    /** detour.results, keyed by job id. */
    Future<?> result(CompletionResult result);

    /** detour.dead-letter, keyed by job id (null when the record had no readable key). */
    Future<?> deadLetter(DeadLetter deadLetter);

    /** detour.retries, keyed by job id. */
    Future<?> retry(RoutedRequest retry);
}
