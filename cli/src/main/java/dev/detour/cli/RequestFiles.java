package dev.detour.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.detour.schema.CacheMode;
import dev.detour.schema.ChatMessage;
import dev.detour.schema.CompletionParams;
import dev.detour.schema.CompletionRequest;
import dev.detour.schema.ResponseFormat;
import dev.detour.schema.RoutingHints;
import dev.detour.schema.Strategy;
import dev.detour.schema.Tier;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Reads requests from JSON: one object, an array, or JSON Lines. The shape is the Avro record's with
 * shortcuts: {@code {"tenant":"acme","model":"fast-cheap","messages":[{"role":"user","content":"Hi"}],
 * "maxTokens":200,"temperature":0,"deadlineSeconds":60,"strategy":"COST"}}; {@code "prompt":"Hi"} is
 * a single user message; a missing jobId gets a fresh one.
 */
final class RequestFiles {
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private RequestFiles() {}

    static List<CompletionRequest> read(Path file, String defaultTenant, String defaultModel, long defaultDeadlineSec) {
        List<CompletionRequest> out = new ArrayList<>();
        try {
            String text = Files.readString(file).strip();
            if (text.startsWith("[")) {
                for (JsonNode n : JSON.readTree(text)) {
                    out.add(fromJson(n, defaultTenant, defaultModel, defaultDeadlineSec));
                }
            } else if (text.startsWith("{") && text.lines().filter(l -> !l.isBlank()).count() > 1 && !isSingleObject(text)) {
                int line = 0;
                for (String l : text.lines().toList()) {
                    line++;
                    if (!l.isBlank()) {
                        try {
                            out.add(fromJson(JSON.readTree(l), defaultTenant, defaultModel, defaultDeadlineSec));
                        } catch (IOException e) {
                            throw new UserError(file + " line " + line + ": not valid JSON: " + firstLine(e));
                        }
                    }
                }
            } else {
                out.add(fromJson(JSON.readTree(text), defaultTenant, defaultModel, defaultDeadlineSec));
            }
        } catch (IOException e) {
            throw new UserError("cannot read requests from " + file + ": " + firstLine(e));
        }
        return out;
    }

    private static boolean isSingleObject(String text) {
        try {
            JSON.readTree(text);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static CompletionRequest fromJson(JsonNode n, String defaultTenant, String defaultModel, long defaultDeadlineSec) {
        long now = System.currentTimeMillis();
        List<ChatMessage> messages = new ArrayList<>();
        if (n.has("messages")) {
            for (JsonNode m : n.get("messages")) {
                messages.add(ChatMessage.newBuilder().setRole(m.path("role").asText("user")).setContent(m.path("content").asText()).build());
            }
        }
        if (n.has("system")) {
            messages.add(0, ChatMessage.newBuilder().setRole("system").setContent(n.get("system").asText()).build());
        }
        if (n.has("prompt")) {
            messages.add(ChatMessage.newBuilder().setRole("user").setContent(n.get("prompt").asText()).build());
        }
        String tenant = text(n, "tenant", defaultTenant);
        String model = text(n, "model", defaultModel);
        if (tenant == null) throw new UserError("a request has no tenant (set \"tenant\" or --tenant)");
        if (model == null) throw new UserError("a request has no model (set \"model\" or --model)");
        CompletionParams.Builder params = CompletionParams.newBuilder();
        if (n.has("maxTokens")) params.setMaxTokens(n.get("maxTokens").asInt());
        if (n.has("temperature")) params.setTemperature(n.get("temperature").asDouble());
        if (n.has("topP")) params.setTopP(n.get("topP").asDouble());
        if (n.has("stop")) {
            List<String> stop = new ArrayList<>();
            n.get("stop").forEach(s -> stop.add(s.asText()));
            params.setStop(stop);
        }
        if (n.has("responseFormat")) params.setResponseFormat(ResponseFormat.newBuilder().setType(n.get("responseFormat").asText()).build());
        RoutingHints hints = null;
        if (n.has("strategy") || n.has("tier") || n.has("allowedProviders") || n.has("allowedRegions") || n.has("maxPricePerMillionMicros") || n.has("cache")) {
            RoutingHints.Builder h = RoutingHints.newBuilder();
            if (n.has("strategy")) h.setStrategy(enumValue(Strategy.class, n.get("strategy").asText(), "strategy"));
            if (n.has("tier")) h.setTier(enumValue(Tier.class, n.get("tier").asText(), "tier"));
            if (n.has("maxPricePerMillionMicros")) h.setMaxPricePerMillionMicros(n.get("maxPricePerMillionMicros").asLong());
            if (n.has("allowedProviders")) h.setAllowedProviders(strings(n.get("allowedProviders")));
            if (n.has("allowedRegions")) h.setAllowedRegions(strings(n.get("allowedRegions")));
            if (n.has("cache")) h.setCache(enumValue(CacheMode.class, n.get("cache").asText(), "cache"));
            hints = h.build();
        }
        Map<String, String> metadata = new HashMap<>();
        n.path("metadata").fields().forEachRemaining(e -> metadata.put(e.getKey(), e.getValue().asText()));
        long deadlineSec = n.path("deadlineSeconds").asLong(defaultDeadlineSec);
        return CompletionRequest.newBuilder()
                .setJobId(text(n, "jobId", UUID.randomUUID().toString()))
                .setTenant(tenant)
                .setModel(model)
                .setMessages(messages)
                .setParams(params.build())
                .setHints(hints)
                .setDeadlineMs(now + deadlineSec * 1000)
                .setSubmittedAtMs(now)
                .setMetadata(metadata)
                .build();
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(s -> out.add(s.asText()));
        return out;
    }

    private static <E extends Enum<E>> E enumValue(Class<E> type, String value, String key) {
        try {
            return Enum.valueOf(type, value.toUpperCase());
        } catch (IllegalArgumentException e) {
            throw new UserError("bad value '" + value + "' for " + key + "; one of " + java.util.Arrays.toString(type.getEnumConstants()).toLowerCase());
        }
    }

    private static String text(JsonNode n, String field, String fallback) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? fallback : v.asText();
    }

    private static String firstLine(Exception e) {
        String m = String.valueOf(e.getMessage());
        return m.lines().findFirst().orElse(m);
    }
}
