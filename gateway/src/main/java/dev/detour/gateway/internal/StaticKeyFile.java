package dev.detour.gateway.internal;

import dev.detour.schema.VirtualKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keys from a file, for setups without a config topic workflow. One key per line:
 * {@code <sha256-hex> <tenant> [model,model,...]}; {@code #} starts a comment. Only hashes: the file
 * never holds a key itself. Re-read when its modification time changes (checked at most once a
 * second), so removing a line revokes the key without a restart.
 */
final class StaticKeyFile {
    private static final Logger log = LoggerFactory.getLogger(StaticKeyFile.class);
    private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");

    private final Path path;
    private volatile Map<String, VirtualKey> keys = Map.of();
    private volatile FileTime loadedAt;
    private volatile long checkedAtMs;

    StaticKeyFile(Path path) {
        this.path = path;
        reloadIfChanged(true);
    }

    Optional<VirtualKey> key(String hash) {
        reloadIfChanged(false);
        return Optional.ofNullable(keys.get(hash));
    }

    private void reloadIfChanged(boolean force) {
        long now = System.currentTimeMillis();
        if (!force && now - checkedAtMs < 1000) {
            return;
        }
        checkedAtMs = now;
        try {
            FileTime mtime = Files.getLastModifiedTime(path);
            if (!force && mtime.equals(loadedAt)) {
                return;
            }
            keys = parse(Files.readAllLines(path));
            loadedAt = mtime;
        } catch (IOException e) {
            log.warn("cannot read key file {}: {}; keeping {} keys", path, e.getMessage(), keys.size());
        }
    }

    static Map<String, VirtualKey> parse(List<String> lines) {
        Map<String, VirtualKey> out = new HashMap<>();
        int n = 0;
        for (String raw : lines) {
            n++;
            String line = raw.contains("#") ? raw.substring(0, raw.indexOf('#')) : raw;
            line = line.strip();
            if (line.isEmpty()) {
                continue;
            }
            String[] parts = line.split("\\s+");
            String hash = parts[0].toLowerCase(Locale.ROOT);
            if (parts.length < 2 || parts.length > 3 || !HEX64.matcher(hash).matches()) {
                log.warn("key file line {} ignored: expected '<sha256-hex> <tenant> [model,...]'", n);
                continue;
            }
            List<String> models = parts.length == 3 ? Arrays.stream(parts[2].split(",")).filter(s -> !s.isBlank()).toList()
                    : List.of();
            out.put(hash, VirtualKey.newBuilder().setHash(hash).setTenant(parts[1]).setAllowedModels(models)
                    .setRevoked(false).build());
        }
        return Map.copyOf(out);
    }
}
