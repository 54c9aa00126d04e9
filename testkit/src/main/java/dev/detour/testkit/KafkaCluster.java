package dev.detour.testkit;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/** The cluster a test runs against; shared by every test of the run, so tests isolate by name prefix. */
public final class KafkaCluster {
    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    private final String bootstrapServers;
    private final String kind;
    private final Map<String, String> clientProperties;

    KafkaCluster(String bootstrapServers, String kind, Map<String, String> clientProperties) {
        this.bootstrapServers = bootstrapServers;
        this.kind = kind;
        this.clientProperties = Map.copyOf(clientProperties);
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** external, testcontainers or embedded. */
    public String kind() {
        return kind;
    }

    /** Client settings every client needs for this cluster (bootstrap servers, and security for an external one). */
    public Properties clientProperties() {
        Properties p = new Properties();
        p.putAll(clientProperties);
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return p;
    }

    /**
     * A topic-name prefix no other test of this run (or of an earlier run on an external cluster)
     * uses, ending with a dot, e.g. {@code t7-1732550000000.}.
     */
    public String uniquePrefix() {
        return "t" + SEQUENCE.incrementAndGet() + "-" + System.currentTimeMillis() + ".";
    }

    public Admin admin() {
        return Admin.create(clientProperties());
    }

    /** Creates topics with the given partitions (replication 1), skipping those that exist. */
    public void createTopics(int partitions, String... names) {
        try (Admin admin = admin()) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> topics = Arrays.stream(names)
                    .filter(n -> !existing.contains(n))
                    .map(n -> new NewTopic(n, partitions, (short) 1))
                    .toList();
            admin.createTopics(topics).all().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot create topics " + Arrays.toString(names), e);
        }
    }
}
