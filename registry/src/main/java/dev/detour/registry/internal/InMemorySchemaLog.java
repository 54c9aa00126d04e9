package dev.detour.registry.internal;

/** A log that is just the state: for the in-memory registry (tests, tools), lost on exit. */
public final class InMemorySchemaLog implements SchemaLog {

    private final RegistryState state;

    public InMemorySchemaLog(RegistryState state) {
        this.state = state;
    }

    @Override
    public synchronized void appendAndAwait(LogEntry entry) {
        state.apply(entry);
    }

    @Override
    public void close() {
    }
}
