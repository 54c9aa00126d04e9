package dev.detour.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A temporary directory deleted with everything in it when closed: the state directories of
 * short-lived Kafka Streams instances (a benchmark stage, the demo's embedded runtime), whose RocksDB
 * files would otherwise pile up in the temp directory run after run (a gigabyte after a few dozen
 * bench runs).
 */
public final class ScratchDirectory implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ScratchDirectory.class);

    private final Path path;

    private ScratchDirectory(Path path) {
        this.path = path;
    }

    /** Creates an empty directory under the system's temp directory, its name starting with {@code prefix}. */
    public static ScratchDirectory create(String prefix) {
        try {
            return new ScratchDirectory(Files.createTempDirectory(prefix));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary directory " + prefix + "*", e);
        }
    }

    public Path path() {
        return path;
    }

    /** Deletes the directory and its contents; what cannot be deleted is logged and left. */
    @Override
    public void close() {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(path)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    log.warn("could not delete {}: {}", p, e.toString());
                }
            });
        } catch (IOException | UncheckedIOException e) {
            log.warn("could not delete {}: {}", path, e.toString());
        }
    }
}
