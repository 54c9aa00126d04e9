package dev.detour.gateway.internal;

import dev.detour.gateway.ApiKeys;
import dev.detour.schema.VirtualKey;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Finds the tenant behind a presented key. The config topic decides first: a key it marks revoked
 * stays refused even if the static file still lists it.
 */
public final class KeyRing {
    private final ConfigView config;
    private final StaticKeyFile file;

    public KeyRing(ConfigView config, Path keyFile) {
        this.config = config;
        this.file = keyFile == null ? null : new StaticKeyFile(keyFile);
    }

    /** The live key for a presented secret, or empty when unknown or revoked. */
    public Optional<VirtualKey> resolve(String presented) {
        if (presented == null || presented.isBlank()) {
            return Optional.empty();
        }
        String hash = ApiKeys.hash(presented);
        Optional<VirtualKey> fromTopic = config == null ? Optional.empty() : config.key(hash);
        if (fromTopic.isPresent()) {
            return fromTopic.filter(k -> !k.getRevoked());
        }
        return file == null ? Optional.empty() : file.key(hash).filter(k -> !k.getRevoked());
    }
}
