package dev.detour.core.cache;

import dev.detour.schema.ChatMessage;
import dev.detour.schema.CompletionParams;
import dev.detour.schema.CompletionRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The key of a cached answer: SHA-256 over the normalized request — tenant, model or group asked for,
 * messages, and every parameter that changes the output (temperature, top-p, max tokens, stop,
 * response format, tools). Job id, deadline, hints and metadata are left out: they do not change the
 * answer. The tenant is always part of the key, so one tenant is never served another's answer.
 *
 * <p>Each field is written with its length first, so no two different requests can produce the same
 * byte stream ("ab"+"c" vs "a"+"bc").
 */
public final class CacheKey {
    private CacheKey() {
    }

    public static String of(CompletionRequest r) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JVM", e);
        }
        put(sha, "v1");
        put(sha, r.getTenant());
        put(sha, r.getModel());
        put(sha, Integer.toString(r.getMessages().size()));
        for (ChatMessage m : r.getMessages()) {
            put(sha, m.getRole());
            put(sha, m.getName());
            // Trailing whitespace does not change what a model is asked.
            put(sha, m.getContent() == null ? null : m.getContent().stripTrailing());
        }
        CompletionParams p = r.getParams();
        put(sha, p == null || p.getTemperature() == null ? null : Double.toString(p.getTemperature()));
        put(sha, p == null || p.getTopP() == null ? null : Double.toString(p.getTopP()));
        put(sha, p == null || p.getMaxTokens() == null ? null : Integer.toString(p.getMaxTokens()));
        put(sha, p == null ? "0" : Integer.toString(p.getStop().size()));
        if (p != null) {
            for (String s : p.getStop()) {
                put(sha, s);
            }
        }
        put(sha, p == null || p.getResponseFormat() == null ? null : p.getResponseFormat().getType());
        put(sha, p == null || p.getResponseFormat() == null ? null : p.getResponseFormat().getJsonSchema());
        put(sha, p == null ? null : p.getToolsJson());
        return HexFormat.of().formatHex(sha.digest());
    }

    private static void put(MessageDigest sha, String s) {
        if (s == null) {
            sha.update((byte) 0);
            return;
        }
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        sha.update((byte) 1);
        sha.update(java.nio.ByteBuffer.allocate(4).putInt(b.length).array());
        sha.update(b);
    }
}
