package dev.detour.core.catalog;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.detour.schema.ApiFamily;
import dev.detour.schema.Catalog;
import dev.detour.schema.DeploymentSpec;
import dev.detour.schema.ModelGroup;
import dev.detour.schema.ProviderLimits;
import dev.detour.schema.ProviderSpec;
import dev.detour.schema.Tier;
import dev.detour.schema.UnitPrices;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads the YAML catalog into the Avro {@link Catalog} record (the value published on detour.config
 * and read by the router), then validates it. Parsing is strict: an unknown key is an error rather than
 * silently ignored, because a misspelt {@code cachedRaed} price would otherwise bill at the wrong rate.
 *
 * <p>Group membership may be written on either side (a deployment's {@code groups} or a group's
 * {@code models}); the loader makes both sides agree, so readers can use either.
 */
public final class CatalogLoader {

    /** The catalog shipped with Detour: public list prices of the major providers. */
    public static final String DEFAULT_RESOURCE = "catalog/default-catalog.yaml";
    /** A small catalog for the demo and tests: five providers, shared groups. */
    public static final String DEMO_RESOURCE = "catalog/demo-catalog.yaml";

    private static final YAMLMapper YAML = new YAMLMapper();

    private CatalogLoader() {}

    public static Catalog loadDefault() {
        return loadResource(DEFAULT_RESOURCE, CatalogOptions.DEFAULT);
    }

    public static Catalog loadResource(String resource, CatalogOptions options) {
        try (InputStream in = CatalogLoader.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new CatalogException(resource, "catalog resource not found on the class path");
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), options);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read catalog resource " + resource, e);
        }
    }

    public static Catalog load(Path file, CatalogOptions options) {
        try {
            return parse(Files.readString(file), options);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read catalog file " + file, e);
        }
    }

    public static Catalog parse(String yaml, CatalogOptions options) {
        JsonNode root;
        try {
            root = YAML.readTree(yaml);
        } catch (JsonProcessingException e) {
            throw new CatalogException("(document)", "not valid YAML at line "
                    + (e.getLocation() == null ? "?" : e.getLocation().getLineNr()) + ": " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new CatalogException("(document)", "a catalog is a mapping with version, providers, deployments, groups");
        }
        Reader r = new Reader();
        Catalog catalog = r.catalog((ObjectNode) root, options);
        r.throwIfAny();
        linkGroups(catalog);
        List<CatalogProblem> problems = CatalogValidator.problems(catalog, options.allowPrivateBaseUrl());
        if (!problems.isEmpty()) {
            throw new CatalogException(problems);
        }
        return catalog;
    }

    /** Makes deployment.groups and group.models describe the same membership. */
    private static void linkGroups(Catalog catalog) {
        Map<String, ModelGroup> groups = new LinkedHashMap<>();
        for (ModelGroup g : catalog.getGroups()) {
            groups.putIfAbsent(g.getName(), g);
        }
        for (DeploymentSpec d : catalog.getDeployments()) {
            for (String g : d.getGroups()) {
                ModelGroup group = groups.get(g);
                if (group != null && !group.getModels().contains(d.getModel())) {
                    List<String> models = new ArrayList<>(group.getModels());
                    models.add(d.getModel());
                    group.setModels(models);
                }
            }
        }
        for (DeploymentSpec d : catalog.getDeployments()) {
            Set<String> mine = new LinkedHashSet<>(d.getGroups());
            for (ModelGroup g : groups.values()) {
                if (g.getModels().contains(d.getModel())) {
                    mine.add(g.getName());
                }
            }
            d.setGroups(new ArrayList<>(mine));
        }
    }

    /** Tree walker that records problems with their key paths instead of stopping at the first. */
    private static final class Reader {
        private final List<CatalogProblem> problems = new ArrayList<>();

        void throwIfAny() {
            if (!problems.isEmpty()) {
                throw new CatalogException(problems);
            }
        }

        Catalog catalog(ObjectNode root, CatalogOptions options) {
            allowOnly(root, "", "version", "source", "providers", "deployments", "groups");
            List<ProviderSpec> providers = new ArrayList<>();
            eachObject(root.get("providers"), "providers", (node, key) -> providers.add(provider(node, key, options)));
            for (String name : options.baseUrlOverrides().keySet()) {
                if (providers.stream().noneMatch(p -> name.equals(p.getName()))) {
                    problems.add(new CatalogProblem("baseUrlOverrides." + name, "override for a provider not in the catalog"));
                }
            }
            List<DeploymentSpec> deployments = new ArrayList<>();
            eachObject(root.get("deployments"), "deployments", (node, key) -> deployments.add(deployment(node, key)));
            List<ModelGroup> groups = new ArrayList<>();
            eachObject(root.get("groups"), "groups", (node, key) -> groups.add(group(node, key)));
            return Catalog.newBuilder()
                    .setVersion(nz(requiredText(root, "version", "")))
                    .setSource(optionalText(root, "source", ""))
                    .setProviders(providers)
                    .setDeployments(deployments)
                    .setGroups(groups)
                    .build();
        }

        ProviderSpec provider(ObjectNode n, String key, CatalogOptions options) {
            allowOnly(n, key, "name", "apiFamily", "baseUrl", "keyEnv", "keyFile", "region", "apiVersion", "limits", "timeoutMs");
            String name = requiredText(n, "name", key);
            String baseUrl = name != null && options.baseUrlOverrides().containsKey(name)
                    ? options.baseUrlOverrides().get(name) : requiredText(n, "baseUrl", key);
            ProviderLimits limits = null;
            JsonNode l = n.get("limits");
            if (l != null && !l.isNull()) {
                String lk = key + ".limits";
                if (!l.isObject()) {
                    problems.add(new CatalogProblem(lk, "must be a mapping of rpm, tpm, maxInFlight"));
                } else {
                    allowOnly((ObjectNode) l, lk, "rpm", "tpm", "maxInFlight");
                    limits = ProviderLimits.newBuilder()
                            .setRequestsPerMinute(optionalLong(l, "rpm", lk))
                            .setTokensPerMinute(optionalLong(l, "tpm", lk))
                            .setMaxInFlight(optionalInt(l, "maxInFlight", lk))
                            .build();
                }
            }
            return ProviderSpec.newBuilder()
                    .setName(nz(name))
                    .setApiFamily(enumValue(n, "apiFamily", key, ApiFamily.class, null))
                    .setBaseUrl(baseUrl == null ? "" : baseUrl)
                    .setKeyEnv(optionalText(n, "keyEnv", key))
                    .setKeyFile(optionalText(n, "keyFile", key))
                    .setRegion(n.hasNonNull("region") ? nz(optionalText(n, "region", key)) : "global")
                    .setApiVersion(optionalText(n, "apiVersion", key))
                    .setLimits(limits)
                    .setTimeoutMs(optionalLong(n, "timeoutMs", key))
                    .build();
        }

        DeploymentSpec deployment(ObjectNode n, String key) {
            allowOnly(n, key, "id", "provider", "model", "providerModel", "groups", "tier", "contextWindow",
                    "maxOutputTokens", "prices", "timeoutMs");
            String provider = requiredText(n, "provider", key);
            String model = requiredText(n, "model", key);
            String id = n.hasNonNull("id") ? optionalText(n, "id", key) : provider + "/" + model;
            JsonNode p = n.get("prices");
            String pk = key + ".prices";
            UnitPrices prices = new UnitPrices(0L, 0L, 0L, 0L);
            if (p == null || !p.isObject()) {
                problems.add(new CatalogProblem(pk, "required: input, output (and optional cachedRead, cacheWrite) in micro-dollars per million tokens"));
            } else {
                allowOnly((ObjectNode) p, pk, "input", "output", "cachedRead", "cacheWrite");
                prices = UnitPrices.newBuilder()
                        .setInputPerMillionMicros(requiredLong(p, "input", pk))
                        .setOutputPerMillionMicros(requiredLong(p, "output", pk))
                        .setCachedReadPerMillionMicros(orZero(optionalLong(p, "cachedRead", pk)))
                        .setCacheWritePerMillionMicros(orZero(optionalLong(p, "cacheWrite", pk)))
                        .build();
            }
            Integer context = optionalInt(n, "contextWindow", key);
            return DeploymentSpec.newBuilder()
                    .setId(id == null ? "" : id)
                    .setProvider(provider == null ? "" : provider)
                    .setModel(model == null ? "" : model)
                    .setProviderModel(n.hasNonNull("providerModel") ? nz(optionalText(n, "providerModel", key)) : nz(model))
                    .setGroups(stringList(n, "groups", key))
                    .setTier(enumValue(n, "tier", key, Tier.class, Tier.PRIMARY))
                    .setContextWindow(context == null ? 0 : context)
                    .setMaxOutputTokens(optionalInt(n, "maxOutputTokens", key))
                    .setPrices(prices)
                    .setTimeoutMs(optionalLong(n, "timeoutMs", key))
                    .build();
        }

        ModelGroup group(ObjectNode n, String key) {
            allowOnly(n, key, "name", "description", "models");
            String name = requiredText(n, "name", key);
            return ModelGroup.newBuilder()
                    .setName(name == null ? "" : name)
                    .setDescription(optionalText(n, "description", key))
                    .setModels(stringList(n, "models", key))
                    .build();
        }

        // ---- primitives -------------------------------------------------------------------------

        interface ItemReader {
            void read(ObjectNode node, String key);
        }

        void eachObject(JsonNode list, String key, ItemReader reader) {
            if (list == null || list.isNull()) {
                return;
            }
            if (!list.isArray()) {
                problems.add(new CatalogProblem(key, "must be a list"));
                return;
            }
            for (int i = 0; i < list.size(); i++) {
                String k = key + "[" + i + "]";
                if (!list.get(i).isObject()) {
                    problems.add(new CatalogProblem(k, "must be a mapping"));
                } else {
                    reader.read((ObjectNode) list.get(i), k);
                }
            }
        }

        void allowOnly(ObjectNode n, String key, String... allowed) {
            Set<String> ok = Set.of(allowed);
            for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
                String f = it.next();
                if (!ok.contains(f)) {
                    problems.add(new CatalogProblem(join(key, f), "unknown key (expected one of " + String.join(", ", allowed) + ")"));
                }
            }
        }

        String requiredText(JsonNode n, String field, String key) {
            String v = optionalText(n, field, key);
            if (v == null || v.isBlank()) {
                if (!n.has(field) || n.get(field).isNull() || (v != null && v.isBlank())) {
                    problems.add(new CatalogProblem(join(key, field), "required"));
                }
                return null;
            }
            return v;
        }

        String optionalText(JsonNode n, String field, String key) {
            JsonNode v = n.get(field);
            if (v == null || v.isNull()) {
                return null;
            }
            if (!v.isValueNode()) {
                problems.add(new CatalogProblem(join(key, field), "must be a single value"));
                return null;
            }
            return v.asText();
        }

        Long requiredLong(JsonNode n, String field, String key) {
            Long v = optionalLong(n, field, key);
            if (v == null && (!n.has(field) || n.get(field).isNull())) {
                problems.add(new CatalogProblem(join(key, field), "required"));
            }
            return v == null ? 0L : v;
        }

        Long optionalLong(JsonNode n, String field, String key) {
            JsonNode v = n.get(field);
            if (v == null || v.isNull()) {
                return null;
            }
            if (!v.isIntegralNumber() || !v.canConvertToLong()) {
                problems.add(new CatalogProblem(join(key, field), "must be a whole number"
                        + (v.isFloatingPointNumber() ? " (prices are integer micro-dollars per million tokens: 2.5 USD -> 2500000)" : "")));
                return null;
            }
            return v.longValue();
        }

        Integer optionalInt(JsonNode n, String field, String key) {
            Long v = optionalLong(n, field, key);
            if (v == null) {
                return null;
            }
            if (v > Integer.MAX_VALUE || v < Integer.MIN_VALUE) {
                problems.add(new CatalogProblem(join(key, field), "out of range"));
                return null;
            }
            return v.intValue();
        }

        List<String> stringList(JsonNode n, String field, String key) {
            JsonNode v = n.get(field);
            List<String> out = new ArrayList<>();
            if (v == null || v.isNull()) {
                return out;
            }
            if (!v.isArray()) {
                problems.add(new CatalogProblem(join(key, field), "must be a list"));
                return out;
            }
            for (int i = 0; i < v.size(); i++) {
                if (!v.get(i).isValueNode() || v.get(i).isNull()) {
                    problems.add(new CatalogProblem(join(key, field) + "[" + i + "]", "must be a name"));
                } else {
                    out.add(v.get(i).asText());
                }
            }
            return out;
        }

        <E extends Enum<E>> E enumValue(JsonNode n, String field, String key, Class<E> type, E fallback) {
            String v = optionalText(n, field, key);
            if (v == null) {
                if (fallback == null) {
                    problems.add(new CatalogProblem(join(key, field), "required"));
                    return type.getEnumConstants()[0];
                }
                return fallback;
            }
            try {
                return Enum.valueOf(type, v.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
            } catch (IllegalArgumentException e) {
                List<String> names = new ArrayList<>();
                for (E c : type.getEnumConstants()) {
                    names.add(c.name());
                }
                problems.add(new CatalogProblem(join(key, field), "unknown value '" + v + "' (expected one of " + String.join(", ", names) + ")"));
                return fallback == null ? type.getEnumConstants()[0] : fallback;
            }
        }

        /** Avro refuses null in required fields; the problem is already recorded, so build with "". */
        private static String nz(String v) {
            return v == null ? "" : v;
        }

        private static long orZero(Long v) {
            return v == null ? 0L : v;
        }

        private static String join(String key, String field) {
            return key.isEmpty() ? field : key + "." + field;
        }
    }
}
