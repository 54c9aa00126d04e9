package dev.detour.registry.internal;

/**
 * Where the registry's changes go. Appending returns once the entry is in the log and the local
 * state has applied it (or everything before and including it), so a write is visible to the
 * writer's next read.
 */
public interface SchemaLog extends AutoCloseable {

    void appendAndAwait(LogEntry entry);

    @Override
    void close();
}
