package dev.detour.client;

import dev.detour.schema.CompletionResult;

/** Receives terminal results, each job id at most once per listener. */
@FunctionalInterface
public interface ResultListener {
    void onResult(CompletionResult result);
}
