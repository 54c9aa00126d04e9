package dev.detour.gateway;

import dev.detour.schema.ConfigRecord;
import dev.detour.schema.VirtualKey;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;

/**
 * Virtual API keys. A key is stored only as its SHA-256; the config topic holds it under
 * {@code apikey/<sha256-hex>} as a {@link ConfigRecord} with the {@code apiKey} field set. Revoke with a
 * tombstone on that key or with {@code revoked = true}; running gateways stop accepting it at once.
 */
public final class ApiKeys {
    public static final String CONFIG_PREFIX = "apikey/";
    private static final SecureRandom RANDOM = new SecureRandom();

    private ApiKeys() {}

    /** Lower-case hex SHA-256 of the key's UTF-8 bytes. */
    public static String hash(String key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }

    /** A new random key ({@code dtr-} and 43 URL-safe characters); hand it out once, store only its hash. */
    public static String generate() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return "dtr-" + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** The config-topic key of an API key. */
    public static String configKey(String keyHash) {
        return CONFIG_PREFIX + keyHash;
    }

    /** The config-topic value granting a key to a tenant (allowedModels empty: any model). */
    public static ConfigRecord grant(String keyHash, String tenant, List<String> allowedModels) {
        return ConfigRecord.newBuilder()
                .setApiKey(VirtualKey.newBuilder().setHash(keyHash).setTenant(tenant)
                        .setAllowedModels(List.copyOf(allowedModels)).setRevoked(false).build())
                .setUpdatedAtMs(System.currentTimeMillis())
                .build();
    }

    public static ConfigRecord revoke(String keyHash, String tenant) {
        return ConfigRecord.newBuilder()
                .setApiKey(VirtualKey.newBuilder().setHash(keyHash).setTenant(tenant).setRevoked(true).build())
                .setUpdatedAtMs(System.currentTimeMillis())
                .build();
    }
}
