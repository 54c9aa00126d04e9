package dev.detour.providers;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Several API keys of one provider, each with a weight and an optional per-key rate limit. Every call
 * takes a key by weight among those that are present, not rejected and under their rate limit.
 *
 * <p>Where keys come from:
 * <ul>
 *   <li>a secrets directory: one file per key, the file name is the key's label (safe to log); an
 *       optional {@code pool.properties} sets {@code <label>.weight} and {@code <label>.rps}. Files are
 *       re-read when they change, so adding, replacing or deleting a file rotates keys without a restart;</li>
 *   <li>environment variables: {@code VAR} and {@code VAR_1} ... {@code VAR_32}, with optional
 *       {@code VAR_n_WEIGHT} and {@code VAR_n_RPS}.</li>
 * </ul>
 * A key the provider refused (401/403) is taken out of the pool until its value changes (a rotated
 * file brings the label back with a new key). Only fingerprints of refused keys are kept, never logged.
 */
public final class KeyPool extends ApiKeySource {
    private static final Logger log = LoggerFactory.getLogger(KeyPool.class);
    static final String PROPERTIES_FILE = "pool.properties";
    private static final int MAX_ENV_KEYS = 32;

    /** One key of the pool: where it is read from, its share of the calls and its own rate limit (null: none). */
    public record Member(String label, ApiKeySource source, int weight, Double perSecond) {
        public Member {
            weight = Math.max(1, weight);
        }
    }

    private final String description;
    private final Supplier<List<Member>> members;
    private final LongSupplier nanoTime;
    private final Set<String> rejected = ConcurrentHashMap.newKeySet();
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    KeyPool(String description, Supplier<List<Member>> members, LongSupplier nanoTime) {
        this.description = description;
        this.members = members;
        this.nanoTime = nanoTime;
    }

    /** A fixed list of members (tests, or keys assembled elsewhere). */
    public static KeyPool of(List<Member> members) {
        List<Member> copy = List.copyOf(members);
        return new KeyPool("pool of " + copy.size() + " keys", () -> copy, System::nanoTime);
    }

    public static KeyPool of(List<Member> members, LongSupplier nanoTime) {
        List<Member> copy = List.copyOf(members);
        return new KeyPool("pool of " + copy.size() + " keys", () -> copy, nanoTime);
    }

    public static KeyPool fromDirectory(Path dir) {
        return new KeyPool("secrets directory " + dir, new DirectoryMembers(dir), System::nanoTime);
    }

    public static KeyPool fromEnv(String variable, Function<String, String> environment) {
        List<Member> list = new ArrayList<>();
        if (environment.apply(variable) != null) {
            list.add(new Member(variable, ApiKeySource.fromEnv(variable, environment), 1, null));
        }
        for (int i = 1; i <= MAX_ENV_KEYS; i++) {
            String v = variable + "_" + i;
            if (environment.apply(v) != null) {
                list.add(new Member(v, ApiKeySource.fromEnv(v, environment), intOr(environment.apply(v + "_WEIGHT"), 1),
                        doubleOr(environment.apply(v + "_RPS"))));
            }
        }
        List<Member> copy = List.copyOf(list);
        return new KeyPool("environment " + variable + "[_n]", () -> copy, System::nanoTime);
    }

    /** True when {@code VAR_1} (or a later numbered variable) is set: the provider has a pool in the environment. */
    static boolean hasNumberedEnv(String variable, Function<String, String> environment) {
        for (int i = 1; i <= MAX_ENV_KEYS; i++) {
            if (environment.apply(variable + "_" + i) != null) {
                return true;
            }
        }
        return false;
    }

    @Override
    public Optional<String> key() {
        return next().key();
    }

    @Override
    public Choice next() {
        List<Candidate> usable = new ArrayList<>();
        for (Member m : members.get()) {
            Optional<String> k = m.source().key();
            if (k.isPresent() && !rejected.contains(fingerprint(k.get()))) {
                usable.add(new Candidate(m, k.get()));
            }
        }
        if (usable.isEmpty()) {
            return new Choice(Optional.empty(), 0);
        }
        long now = nanoTime.getAsLong();
        long soonest = Long.MAX_VALUE;
        List<Candidate> open = new ArrayList<>();
        for (Candidate c : usable) {
            if (c.member().perSecond() == null) {
                open.add(c);
            } else {
                long wait = bucket(c.member()).waitNanos(now);
                if (wait == 0) {
                    open.add(c);
                } else {
                    soonest = Math.min(soonest, wait);
                }
            }
        }
        // Weighted choice; a rate-limited key is only skipped when its bucket really is empty.
        while (!open.isEmpty()) {
            int total = open.stream().mapToInt(c -> c.member().weight()).sum();
            int r = ThreadLocalRandom.current().nextInt(total);
            Candidate chosen = open.get(open.size() - 1);
            for (Candidate c : open) {
                r -= c.member().weight();
                if (r < 0) {
                    chosen = c;
                    break;
                }
            }
            if (chosen.member().perSecond() == null || bucket(chosen.member()).take(now)) {
                return new Choice(Optional.of(chosen.key()), 0);
            }
            open.remove(chosen);
        }
        return new Choice(Optional.empty(), Math.max(1, soonest / 1_000_000));
    }

    @Override
    public void rejected(String key) {
        if (key != null && rejected.add(fingerprint(key))) {
            String label = members.get().stream().filter(m -> m.source().key().filter(key::equals).isPresent())
                    .map(Member::label).findFirst().orElse("?");
            log.warn("provider refused key {} of {}; it is out of the pool until it changes", label, description);
        }
    }

    /** How many keys could serve a call now (present and not refused), rate limits aside. */
    public int usableKeys() {
        return (int) members.get().stream().map(m -> m.source().key())
                .filter(k -> k.isPresent() && !rejected.contains(fingerprint(k.get()))).count();
    }

    @Override
    public String toString() {
        return "KeyPool[" + description + "]";
    }

    private Bucket bucket(Member m) {
        return buckets.compute(m.label(), (l, b) -> b == null || b.perSecond != m.perSecond() ? new Bucket(m.perSecond(), nanoTime.getAsLong()) : b);
    }

    private record Candidate(Member member, String key) {}

    private static String fingerprint(String key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int intOr(String v, int fallback) {
        try {
            return v == null ? fallback : Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    private static Double doubleOr(String v) {
        try {
            return v == null ? null : Double.valueOf(v.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Token bucket holding up to one second of calls (at least one). */
    private static final class Bucket {
        private final double perSecond;
        private final double capacity;
        private double tokens;
        private long updatedNanos;

        Bucket(double perSecond, long now) {
            this.perSecond = perSecond;
            this.capacity = Math.max(1, perSecond);
            this.tokens = capacity;
            this.updatedNanos = now;
        }

        private void refill(long now) {
            tokens = Math.min(capacity, tokens + (now - updatedNanos) * perSecond / 1e9);
            updatedNanos = now;
        }

        synchronized long waitNanos(long now) {
            refill(now);
            return tokens >= 1 ? 0 : (long) Math.ceil((1 - tokens) / perSecond * 1e9);
        }

        synchronized boolean take(long now) {
            refill(now);
            if (tokens >= 1) {
                tokens -= 1;
                return true;
            }
            return false;
        }
    }

    /** The files of a secrets directory, listed again on each call (a handful of stat calls). */
    private static final class DirectoryMembers implements Supplier<List<Member>> {
        private final Path dir;
        private final Map<Path, ApiKeySource> files = new ConcurrentHashMap<>();
        private volatile FileTime propertiesModified;
        private volatile Properties properties = new Properties();

        DirectoryMembers(Path dir) {
            this.dir = dir;
        }

        @Override
        public List<Member> get() {
            Properties props = properties();
            List<Member> out = new ArrayList<>();
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
                for (Path p : entries) {
                    String name = p.getFileName().toString();
                    // Kubernetes mounts keep their data under hidden "..data" links.
                    if (name.startsWith(".") || name.equals(PROPERTIES_FILE) || !Files.isRegularFile(p)) {
                        continue;
                    }
                    out.add(new Member(name, files.computeIfAbsent(p, ApiKeySource::fromFile),
                            intOr(props.getProperty(name + ".weight"), 1), doubleOr(props.getProperty(name + ".rps"))));
                }
            } catch (IOException e) {
                return List.of();
            }
            out.sort(java.util.Comparator.comparing(Member::label));
            return out;
        }

        private Properties properties() {
            Path file = dir.resolve(PROPERTIES_FILE);
            try {
                FileTime modified = Files.exists(file) ? Files.getLastModifiedTime(file) : null;
                if (modified == null) {
                    return new Properties();
                }
                if (!modified.equals(propertiesModified)) {
                    Properties p = new Properties();
                    try (InputStream in = Files.newInputStream(file)) {
                        p.load(in);
                    }
                    properties = p;
                    propertiesModified = modified;
                }
                return properties;
            } catch (IOException e) {
                return properties;
            }
        }
    }
}
