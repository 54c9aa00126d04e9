package dev.detour.providers;

import dev.detour.schema.ProviderSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Optional;
import java.util.function.Function;

/**
 * Where a provider's API key comes from: an environment variable or a file (Kubernetes secrets, Docker
 * secrets). The key itself never appears in {@link #toString()}, logs or exceptions; only where it is
 * read from does. A file is re-read when its modification time or size changes, so a rotated secret is
 * picked up without a restart.
 */
public abstract sealed class ApiKeySource permits ApiKeySource.Env, ApiKeySource.File, ApiKeySource.None, ApiKeySource.Literal, KeyPool {

    /** The current key, or empty when none is configured or the variable/file is missing. */
    public abstract Optional<String> key();

    /**
     * The key for one call. {@code waitMs > 0} with no key: every key is at its own rate limit for
     * that long (pools only).
     */
    public record Choice(Optional<String> key, long waitMs) {}

    public Choice next() {
        return new Choice(key(), 0);
    }

    /** The provider refused this key (401/403): a pool stops using it; a single key has no alternative. */
    public void rejected(String key) {
    }

    public static ApiKeySource fromEnv(String variable) {
        return new Env(variable, System::getenv);
    }

    /** For tests: an environment lookup other than the process environment. */
    public static ApiKeySource fromEnv(String variable, Function<String, String> environment) {
        return new Env(variable, environment);
    }

    public static ApiKeySource fromFile(Path file) {
        return new File(file);
    }

    public static ApiKeySource none() {
        return None.INSTANCE;
    }

    /**
     * A key held in memory, for the simulator and tests only. Production keys come from the environment
     * or a file (see the project's secrets rule).
     */
    public static ApiKeySource literal(String key) {
        return new Literal(key);
    }

    /** The catalog's choice for this provider: key file if given, else environment variable, else none. */
    public static ApiKeySource of(ProviderSpec spec) {
        return of(spec, System::getenv);
    }

    /**
     * A key file that is a directory is a key pool (one file per key, see {@link KeyPool}); a key
     * variable with numbered siblings ({@code VAR_1}, ...) is a pool from the environment.
     */
    public static ApiKeySource of(ProviderSpec spec, Function<String, String> environment) {
        if (spec.getKeyFile() != null && !spec.getKeyFile().isBlank()) {
            Path path = Path.of(spec.getKeyFile());
            return Files.isDirectory(path) ? KeyPool.fromDirectory(path) : fromFile(path);
        }
        if (spec.getKeyEnv() != null && !spec.getKeyEnv().isBlank()) {
            return KeyPool.hasNumberedEnv(spec.getKeyEnv(), environment)
                    ? KeyPool.fromEnv(spec.getKeyEnv(), environment) : fromEnv(spec.getKeyEnv(), environment);
        }
        return none();
    }

    static Optional<String> clean(String raw) {
        if (raw == null) {
            return Optional.empty();
        }
        String k = raw.strip();
        return k.isEmpty() ? Optional.empty() : Optional.of(k);
    }

    static final class Env extends ApiKeySource {
        private final String variable;
        private final Function<String, String> environment;

        Env(String variable, Function<String, String> environment) {
            this.variable = variable;
            this.environment = environment;
        }

        @Override
        public Optional<String> key() {
            return clean(environment.apply(variable));
        }

        @Override
        public String toString() {
            return "ApiKeySource[env " + variable + "]";
        }
    }

    static final class File extends ApiKeySource {
        private final Path path;
        private record Cached(FileTime modified, long size, Optional<String> key) {}
        private volatile Cached cached;

        File(Path path) {
            this.path = path;
        }

        @Override
        public Optional<String> key() {
            try {
                FileTime modified = Files.getLastModifiedTime(path);
                long size = Files.size(path);
                Cached c = cached;
                if (c == null || !c.modified().equals(modified) || c.size() != size) {
                    c = new Cached(modified, size, clean(Files.readString(path, StandardCharsets.UTF_8)));
                    cached = c;
                }
                return c.key();
            } catch (IOException e) {
                return Optional.empty();
            }
        }

        @Override
        public String toString() {
            return "ApiKeySource[file " + path + "]";
        }
    }

    static final class None extends ApiKeySource {
        static final None INSTANCE = new None();

        @Override
        public Optional<String> key() {
            return Optional.empty();
        }

        @Override
        public String toString() {
            return "ApiKeySource[none]";
        }
    }

    static final class Literal extends ApiKeySource {
        private final Optional<String> key;

        Literal(String key) {
            this.key = clean(key);
        }

        @Override
        public Optional<String> key() {
            return key;
        }

        @Override
        public String toString() {
            return "ApiKeySource[literal, redacted]";
        }
    }
}
