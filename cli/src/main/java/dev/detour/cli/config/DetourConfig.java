package dev.detour.cli.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.detour.core.Topics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The configuration of a component run from the CLI: a YAML file flattened into dotted keys, with
 * environment overrides on top ({@code DETOUR_KAFKA_BOOTSTRAP_SERVERS} overrides
 * {@code kafka.bootstrap.servers}: strip {@code DETOUR_}, lower-case, underscores become dots).
 * Everything under {@code kafka.} is passed to every Kafka client as is (security settings
 * included). Parsed once here; components get typed values.
 */
public final class DetourConfig {
    private final Map<String, String> values;

    private DetourConfig(Map<String, String> values) {
        this.values = Map.copyOf(values);
    }

    public static DetourConfig load(Path yaml, Map<String, String> env) {
        Map<String, String> flat = new TreeMap<>();
        if (yaml != null) {
            if (!Files.isRegularFile(yaml)) {
                throw new ConfigException("config file not found: " + yaml);
            }
            try {
                JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(yaml.toFile());
                if (root != null && !root.isMissingNode() && !root.isNull()) {
                    if (!root.isObject()) {
                        throw new ConfigException("config file " + yaml + " must be a YAML mapping");
                    }
                    flatten("", root, flat);
                }
            } catch (IOException e) {
                throw new ConfigException("cannot read config file " + yaml + ": " + e.getMessage().lines().findFirst().orElse(""));
            }
        }
        env.forEach((k, v) -> {
            if (k.startsWith("DETOUR_") && !k.equals("DETOUR_JAVA_OPTS") && !k.startsWith("DETOUR_JAVA")
                    && !k.equals("DETOUR_UNSAFE_FLAG") && !k.equals("DETOUR_LOG_LEVEL")) {
                flat.put(k.substring("DETOUR_".length()).toLowerCase().replace('_', '.'), v);
            }
        });
        return new DetourConfig(flat);
    }

    public static DetourConfig of(Map<String, String> values) {
        return new DetourConfig(values);
    }

    private static void flatten(String prefix, JsonNode node, Map<String, String> out) {
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                var e = it.next();
                flatten(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), e.getValue(), out);
            }
        } else if (node.isArray()) {
            StringBuilder joined = new StringBuilder();
            node.forEach(n -> joined.append(joined.isEmpty() ? "" : ",").append(n.asText()));
            out.put(prefix, joined.toString());
        } else if (!node.isNull()) {
            out.put(prefix, node.asText());
        }
    }

    public Optional<String> get(String key) {
        return Optional.ofNullable(values.get(key));
    }

    public String require(String key) {
        return get(key).orElseThrow(() -> new ConfigException("missing config key '" + key + "' (or env DETOUR_"
                + key.toUpperCase().replace('.', '_') + ")"));
    }

    public String get(String key, String fallback) {
        return values.getOrDefault(key, fallback);
    }

    public int getInt(String key, int fallback) {
        String v = values.get(key);
        if (v == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new ConfigException("config key '" + key + "' must be an integer, got '" + v + "'");
        }
    }

    public long getLong(String key, long fallback) {
        String v = values.get(key);
        if (v == null) {
            return fallback;
        }
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new ConfigException("config key '" + key + "' must be an integer, got '" + v + "'");
        }
    }

    public boolean getBoolean(String key, boolean fallback) {
        String v = values.get(key);
        if (v == null) {
            return fallback;
        }
        return switch (v.trim().toLowerCase()) {
            case "true", "yes", "on", "1" -> true;
            case "false", "no", "off", "0" -> false;
            default -> throw new ConfigException("config key '" + key + "' must be true or false, got '" + v + "'");
        };
    }

    /** Every key and value. */
    public Map<String, String> all() {
        return values;
    }

    /** Every key under a prefix, with the prefix removed. */
    public Map<String, String> subtree(String prefix) {
        String p = prefix.endsWith(".") ? prefix : prefix + ".";
        Map<String, String> out = new LinkedHashMap<>();
        values.forEach((k, v) -> {
            if (k.startsWith(p)) {
                out.put(k.substring(p.length()), v);
            }
        });
        return out;
    }

    public String bootstrapServers() {
        return require("kafka.bootstrap.servers");
    }

    /** Kafka client settings other than bootstrap servers (security and tuning). */
    public Map<String, String> kafkaClientProperties() {
        Map<String, String> props = subtree("kafka");
        props.remove("bootstrap.servers");
        return props;
    }

    public String registryUrl() {
        return require("registry.url");
    }

    public Topics topics() {
        Topics d = Topics.defaults();
        return new Topics(get("topics.prefix", d.prefix()), getInt("topics.partitions", d.partitions()),
                (short) getInt("topics.replication", d.replication()));
    }

    /** A bad or missing configuration value; the message names the key. */
    public static final class ConfigException extends RuntimeException {
        public ConfigException(String message) {
            super(message);
        }
    }
}
