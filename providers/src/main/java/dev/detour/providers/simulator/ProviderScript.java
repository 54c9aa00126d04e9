package dev.detour.providers.simulator;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.detour.schema.ErrorClass;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * How one simulated provider behaves. A value: change behaviour by installing a new script
 * ({@link ProviderSimulator#script(String, ProviderScript)} or {@code PUT /_sim/providers/{name}/script}).
 * Times in windows count from the moment the script is installed.
 *
 * @param latency           time before the answer (before slowdowns)
 * @param errorRates        probability per request of an injected error of each class (checked in enum
 *                          order; the rest succeed). TIMEOUT hangs for {@code hangMs}; CONNECTION cuts the
 *                          connection mid-body; CONTENT_FILTER answers 200 with the API's filtered shape;
 *                          MALFORMED_RESPONSE answers 200 with a body that is not JSON
 * @param requestsPerSecond token bucket refill rate; null means unlimited. Over the limit: 429 with
 *                          retry-after (and retry-after-ms) = time until a token is back
 * @param burst             bucket capacity (at least 1)
 * @param outages           windows in which every request fails: mode "error" (503; Anthropic 529) or
 *                          "reset" (connection cut)
 * @param down              an outage with no end, until the script changes
 * @param slowdowns         windows in which latency is multiplied by {@code factor} and {@code extraMs} added
 * @param expectedKey       when set, requests must carry this key (401 / Gemini 400 API_KEY_INVALID otherwise)
 * @param maxContextTokens  when set, prompts estimated above it fail with the API's context-length error
 * @param hangMs            how long an injected TIMEOUT holds the request
 * @param reply             fixed answer text; null for the deterministic default echo
 * @param seed              randomness of this provider (latency draws, error draws); null uses the
 *                          simulator's seed
 * @param quality           scripted share of bad answers (malformed JSON, refusals, too short); null: all good
 * @param modelQuality      the same per provider model name, overriding {@code quality}
 * @param expectedKeys      when set, requests must carry one of these keys (several keys of one account)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = false)
public record ProviderScript(
        Latency latency,
        Map<ErrorClass, Double> errorRates,
        Double requestsPerSecond,
        Integer burst,
        List<Window> outages,
        Boolean down,
        List<Slowdown> slowdowns,
        String expectedKey,
        Integer maxContextTokens,
        Long hangMs,
        String reply,
        Long seed,
        Quality quality,
        Map<String, Quality> modelQuality,
        List<String> expectedKeys) {

    public static final long DEFAULT_HANG_MS = 120_000;

    public ProviderScript {
        latency = latency == null ? Latency.fixed(0) : latency;
        errorRates = errorRates == null || errorRates.isEmpty() ? Map.of() : Map.copyOf(new EnumMap<>(errorRates));
        outages = outages == null ? List.of() : List.copyOf(outages);
        slowdowns = slowdowns == null ? List.of() : List.copyOf(slowdowns);
        down = down != null && down;
        burst = burst == null ? null : Math.max(1, burst);
        hangMs = hangMs == null ? DEFAULT_HANG_MS : hangMs;
        modelQuality = modelQuality == null ? Map.of() : Map.copyOf(modelQuality);
        expectedKeys = expectedKeys == null ? null : List.copyOf(expectedKeys);
        double total = 0;
        for (Map.Entry<ErrorClass, Double> e : errorRates.entrySet()) {
            if (e.getValue() < 0 || e.getValue() > 1) {
                throw new IllegalArgumentException("error rate of " + e.getKey() + " must be within 0..1");
            }
            total += e.getValue();
        }
        if (total > 1.0 + 1e-9) {
            throw new IllegalArgumentException("error rates add up to more than 1");
        }
        if (requestsPerSecond != null && requestsPerSecond <= 0) {
            throw new IllegalArgumentException("requestsPerSecond must be positive");
        }
    }

    /** Answers at once, never fails, accepts any key. */
    public static ProviderScript healthy() {
        return new ProviderScript(null, null, null, null, null, null, null, null, null, null, null, null, null, null, null);
    }

    public ProviderScript withLatency(Latency l) {
        return new ProviderScript(l, errorRates, requestsPerSecond, burst, outages, down, slowdowns, expectedKey, maxContextTokens, hangMs, reply, seed, quality, modelQuality, expectedKeys);
    }

    public ProviderScript withErrorRate(ErrorClass cls, double rate) {
        EnumMap<ErrorClass, Double> m = new EnumMap<>(ErrorClass.class);
        m.putAll(errorRates);
        m.put(cls, rate);
        return new ProviderScript(latency, m, requestsPerSecond, burst, outages, down, slowdowns, expectedKey, maxContextTokens, hangMs, reply, seed, quality, modelQuality, expectedKeys);
    }

    public ProviderScript withRateLimit(double perSecond, int burstSize) {
        return new ProviderScript(latency, errorRates, perSecond, burstSize, outages, down, slowdowns, expectedKey, maxContextTokens, hangMs, reply, seed, quality, modelQuality, expectedKeys);
    }

    public ProviderScript withOutage(long fromMs, long toMs, String mode) {
        return new ProviderScript(latency, errorRates, requestsPerSecond, burst,
                Stream.concat(outages.stream(), Stream.of(new Window(fromMs, toMs, mode))).toList(), down, slowdowns, expectedKey,
                maxContextTokens, hangMs, reply, seed, quality, modelQuality, expectedKeys);
    }

    public ProviderScript withDown(boolean isDown) {
        return new ProviderScript(latency, errorRates, requestsPerSecond, burst, outages, isDown, slowdowns, expectedKey, maxContextTokens, hangMs, reply, seed, quality, modelQuality, expectedKeys);
    }

    public ProviderScript withSlowdown(long fromMs, long toMs, double factor, long extraMs) {
        return new ProviderScript(latency, errorRates, requestsPerSecond, burst, outages, down,
                Stream.concat(slowdowns.stream(), Stream.of(new Slowdown(fromMs, toMs, factor, extraMs))).toList(), expectedKey,
                maxContextTokens, hangMs, reply, seed, quality, modelQuality, expectedKeys);
    }

    public ProviderScript withExpectedKey(String key) {
        return new ProviderScript(latency, errorRates, requestsPerSecond, burst, outages, down, slowdowns, key, maxContextTokens, hangMs, reply, seed, quality, modelQuality, expectedKeys);
    }

    /** Accepts any of these keys and no other (several keys of one account; change it live to revoke one). */
    public ProviderScript withExpectedKeys(java.util.Collection<String> keys) {
        return new ProviderScript(latency, errorRates, requestsPerSecond, burst, outages, down, slowdowns, null, maxContextTokens, hangMs, reply, seed,
                quality, modelQuality, List.copyOf(keys));
    }

    /** True when a request with this key (null for none) passes the key check. */
    public boolean acceptsKey(String key) {
        if (expectedKey == null && (expectedKeys == null || expectedKeys.isEmpty())) {
            return true;
        }
        return key != null && (key.equals(expectedKey) || expectedKeys != null && expectedKeys.contains(key));
    }

    public ProviderScript withMaxContextTokens(int tokens) {
        return new ProviderScript(latency, errorRates, requestsPerSecond, burst, outages, down, slowdowns, expectedKey, tokens, hangMs, reply, seed, quality, modelQuality, expectedKeys);
    }

    public ProviderScript withHangMs(long ms) {
        return new ProviderScript(latency, errorRates, requestsPerSecond, burst, outages, down, slowdowns, expectedKey, maxContextTokens, ms, reply, seed, quality, modelQuality, expectedKeys);
    }

    public ProviderScript withReply(String text) {
        return new ProviderScript(latency, errorRates, requestsPerSecond, burst, outages, down, slowdowns, expectedKey, maxContextTokens, hangMs, text, seed, quality, modelQuality, expectedKeys);
    }

    public ProviderScript withSeed(long s) {
        return new ProviderScript(latency, errorRates, requestsPerSecond, burst, outages, down, slowdowns, expectedKey, maxContextTokens, hangMs, reply, s, quality, modelQuality, expectedKeys);
    }

    /** Scripted answer quality for every model of this provider (see {@link Quality}). */
    public ProviderScript withQuality(Quality q) {
        return new ProviderScript(latency, errorRates, requestsPerSecond, burst, outages, down, slowdowns, expectedKey, maxContextTokens, hangMs, reply, seed, q, modelQuality, expectedKeys);
    }

    /** Scripted answer quality for one model (the provider's model name, as in a deployment's providerModel). */
    public ProviderScript withModelQuality(String model, Quality q) {
        java.util.HashMap<String, Quality> m = new java.util.HashMap<>(modelQuality);
        m.put(model, q);
        return new ProviderScript(latency, errorRates, requestsPerSecond, burst, outages, down, slowdowns, expectedKey, maxContextTokens, hangMs, reply, seed, quality, m, expectedKeys);
    }

    /** Quality of a successful answer to a request for {@code model}: the model's own, else the provider's, else null. */
    Quality qualityFor(String model) {
        Quality q = model == null ? null : modelQuality.get(model);
        return q != null ? q : quality;
    }

    /**
     * Shares of successful answers that are bad in a way quality gates catch, drawn per request from
     * the seeded stream (so the same seed gives the same bad answers): {@code malformedJson} answers
     * with broken JSON, {@code refusal} with a refusal, {@code tooShort} with a two-word answer. The
     * other answers are good, and valid JSON (an object with {@code answer}) when JSON was asked.
     */
    public record Quality(double malformedJson, double refusal, double tooShort) {
        public Quality {
            for (double v : new double[] {malformedJson, refusal, tooShort}) {
                if (v < 0 || v > 1) {
                    throw new IllegalArgumentException("quality shares must be within 0..1");
                }
            }
            if (malformedJson + refusal + tooShort > 1.0 + 1e-9) {
                throw new IllegalArgumentException("quality shares add up to more than 1");
            }
        }

        public static Quality perfect() {
            return new Quality(0, 0, 0);
        }
    }

    /**
     * Latency distribution. {@code kind}: "fixed" ({@code ms}), "uniform" ({@code minMs}..{@code maxMs}),
     * "lognormal" (median {@code ms}, shape {@code sigma}, capped at {@code maxMs} when positive).
     */
    @JsonInclude(JsonInclude.Include.NON_DEFAULT)
    public record Latency(String kind, long ms, long minMs, long maxMs, double sigma) {
        public Latency {
            kind = kind == null ? "fixed" : kind.toLowerCase(java.util.Locale.ROOT);
            if (!List.of("fixed", "uniform", "lognormal").contains(kind)) {
                throw new IllegalArgumentException("latency kind must be fixed, uniform or lognormal");
            }
            if (ms < 0 || minMs < 0 || maxMs < 0 || sigma < 0 || (kind.equals("uniform") && maxMs < minMs)) {
                throw new IllegalArgumentException("latency bounds must be non-negative and min <= max");
            }
        }

        public static Latency fixed(long ms) {
            return new Latency("fixed", ms, 0, 0, 0);
        }

        public static Latency uniform(long minMs, long maxMs) {
            return new Latency("uniform", 0, minMs, maxMs, 0);
        }

        public static Latency lognormal(long medianMs, double sigma, long capMs) {
            return new Latency("lognormal", medianMs, 0, capMs, sigma);
        }

        long draw(java.util.SplittableRandom random) {
            return switch (kind) {
                case "uniform" -> maxMs == minMs ? minMs : minMs + random.nextLong(maxMs - minMs + 1);
                case "lognormal" -> {
                    // Box-Muller from the seeded stream, so the draw is reproducible.
                    double u1 = Math.max(1e-12, random.nextDouble());
                    double z = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * random.nextDouble());
                    long v = Math.round(ms * Math.exp(sigma * z));
                    yield maxMs > 0 ? Math.min(v, maxMs) : v;
                }
                default -> ms;
            };
        }
    }

    /** A time window from {@code fromMs} to {@code toMs} after the script was installed. */
    public record Window(long fromMs, long toMs, String mode) {
        public Window {
            mode = mode == null ? "error" : mode;
            if (!mode.equals("error") && !mode.equals("reset")) {
                throw new IllegalArgumentException("outage mode must be error or reset");
            }
        }

        boolean covers(long elapsedMs) {
            return elapsedMs >= fromMs && elapsedMs < toMs;
        }
    }

    public record Slowdown(long fromMs, long toMs, double factor, long extraMs) {
        public Slowdown {
            factor = factor <= 0 ? 1.0 : factor;
        }

        boolean covers(long elapsedMs) {
            return elapsedMs >= fromMs && elapsedMs < toMs;
        }
    }
}
