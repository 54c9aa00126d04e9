package dev.detour.bench;

import dev.detour.bench.internal.BrokerProcess;
import dev.detour.core.TopicProvisioner;
import dev.detour.core.Topics;
import dev.detour.kafka.EmbeddedKafka;
import dev.detour.registry.RegistryConfig;
import dev.detour.registry.SchemaRegistryServer;
import dev.detour.router.RecordSerdes;
import java.io.IOException;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one broker and registry every suite of a run shares: an embedded single-node KRaft broker (in
 * its own JVM by default, see {@link BrokerProcess}) or the cluster in {@code KAFKA_BOOTSTRAP_SERVERS},
 * and the project's own schema registry server (or {@code SCHEMA_REGISTRY_URL}, or an in-memory
 * {@code mock://} registry). Each suite asks for its
 * own topic prefix, so runs never read each other's records.
 */
public final class BenchEnvironment implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BenchEnvironment.class);

    /** Partitions of every bench topic: the worker reads provider topics with the default layout. */
    public static final int PARTITIONS = Topics.defaults().partitions();

    /** The embedded broker, an {@link EmbeddedKafka} or a {@link BrokerProcess}; null on an external cluster. */
    private final AutoCloseable embedded;
    private final SchemaRegistryServer registryServer;
    private final String bootstrapServers;
    private final String registryUrl;
    private final RecordSerdes serdes;
    private final Admin admin;
    private final String runId = Long.toString(System.currentTimeMillis() % 1_000_000_000L, 36);
    private final AtomicInteger prefixes = new AtomicInteger();

    private BenchEnvironment(AutoCloseable embedded, SchemaRegistryServer registryServer, String bootstrapServers,
                             String registryUrl) {
        this.embedded = embedded;
        this.registryServer = registryServer;
        this.bootstrapServers = bootstrapServers;
        this.registryUrl = registryUrl;
        this.serdes = RecordSerdes.forUrl(registryUrl);
        this.admin = Admin.create(clientProperties());
    }

    /**
     * @param registry {@code server} (the project's registry over Kafka), {@code mock}, or a URL;
     *     {@code SCHEMA_REGISTRY_URL} wins when set
     * @param broker where the embedded broker runs, when {@code KAFKA_BOOTSTRAP_SERVERS} names no cluster
     */
    public static BenchEnvironment start(String registry, BenchOptions.Broker broker) throws IOException {
        String external = System.getenv("KAFKA_BOOTSTRAP_SERVERS");
        AutoCloseable embedded = null;
        String bootstrap;
        if (external != null && !external.isBlank()) {
            bootstrap = external;
            log.info("bench on the cluster at {}", bootstrap);
        } else if (broker == BenchOptions.Broker.IN_PROCESS) {
            EmbeddedKafka kafka = EmbeddedKafka.builder().build().start();
            embedded = kafka;
            bootstrap = kafka.bootstrapServers();
        } else {
            BrokerProcess kafka = BrokerProcess.start();
            embedded = kafka;
            bootstrap = kafka.bootstrapServers();
            log.info("bench broker at {} in process {}", bootstrap, kafka.pid());
        }
        String envRegistry = System.getenv("SCHEMA_REGISTRY_URL");
        SchemaRegistryServer server = null;
        String url;
        if (envRegistry != null && !envRegistry.isBlank()) {
            url = envRegistry;
        } else if ("mock".equals(registry)) {
            url = "mock://bench-" + System.nanoTime();
        } else if ("server".equals(registry)) {
            server = SchemaRegistryServer.start(RegistryConfig.of(bootstrap)
                    .withTopic("_bench-schemas-" + System.currentTimeMillis())
                    .withListener("127.0.0.1", 0));
            url = server.url();
        } else {
            url = registry;
        }
        return new BenchEnvironment(embedded, server, bootstrap, url);
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public String registryUrl() {
        return registryUrl;
    }

    /** The broker's own process, when it runs in one. */
    public OptionalLong brokerPid() {
        return embedded instanceof BrokerProcess p ? OptionalLong.of(p.pid()) : OptionalLong.empty();
    }

    /** How the run's broker is placed, for the report. */
    public String brokerDescription() {
        if (embedded instanceof BrokerProcess p) {
            return "embedded single-node KRaft in its own JVM (pid " + p.pid() + ") at " + bootstrapServers;
        }
        return (embedded != null ? "embedded single-node KRaft in the bench JVM at " : "external cluster at ")
                + bootstrapServers;
    }

    public RecordSerdes serdes() {
        return serdes;
    }

    public Admin admin() {
        return admin;
    }

    /** Fresh client properties (bootstrap only; suites add their own settings). */
    public Properties clientProperties() {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrapServers);
        return p;
    }

    /** A topic prefix no other suite or run uses, e.g. {@code bench-k3x9-2-passthrough.}. */
    public String uniquePrefix(String label) {
        return "bench-" + runId + "-" + prefixes.incrementAndGet() + "-" + label + ".";
    }

    /** The pipeline's topic layout under a fresh prefix, with every fixed topic created. */
    public Topics pipelineTopics(String label) {
        Topics topics = new Topics(uniquePrefix(label), PARTITIONS, (short) 1);
        new TopicProvisioner(admin).ensure(topics.fixed());
        awaitLeaders(topics.fixed().stream().map(Topics.TopicSpec::name).toList());
        return topics;
    }

    /**
     * Creates a topic whose records carry the broker's append time, so a rate can be read from the
     * first and last append of the records a stage wrote, independent of how fast anyone reads them.
     */
    public void createAppendTimeTopic(String name, int partitions) {
        createTopic(name, partitions, Map.of("message.timestamp.type", "LogAppendTime"));
    }

    /** Switches existing topics to broker append time (see {@link #createAppendTimeTopic}). */
    public void useAppendTime(List<String> topics) {
        Map<ConfigResource, Collection<AlterConfigOp>> ops =
                new HashMap<>();
        for (String t : topics) {
            ops.put(new ConfigResource(ConfigResource.Type.TOPIC, t),
                    List.of(new AlterConfigOp(
                            new ConfigEntry("message.timestamp.type", "LogAppendTime"),
                            AlterConfigOp.OpType.SET)));
        }
        try {
            admin.incrementalAlterConfigs(ops).all().get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot switch " + topics + " to append time", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Creates the topic (if absent) as the components create theirs, waiting until every partition
     * takes writes, then checks its leaders strictly: the bench fails here rather than waiting on
     * records that never come.
     */
    public void createTopic(String name, int partitions, Map<String, String> configs) {
        new TopicProvisioner(admin).ensure(List.of(new Topics.TopicSpec(name, partitions, (short) 1, configs)));
        awaitLeaders(List.of(name));
    }

    /**
     * Waits until every partition of the topics has a leader, and fails after 60 s, where the
     * provisioner only logs a warning after 30. An idempotent producer that writes to a
     * topic whose leaders are still being elected can get stuck retrying out-of-order sequences until
     * its delivery timeout (seen on the 2-core machine under load), and the suite would wait for
     * records that never arrive.
     */
    public void awaitLeaders(List<String> topics) {
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(60).toNanos();
        while (true) {
            try {
                var described = admin.describeTopics(topics).allTopicNames().get();
                boolean ready = described.values().stream().allMatch(d -> d.partitions().stream()
                        .allMatch(p -> p.leader() != null && !p.leader().isEmpty()));
                if (ready) {
                    return;
                }
            } catch (java.util.concurrent.ExecutionException notYet) {
                // unknown topic right after creation: metadata still propagating
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted waiting for topic leaders", e);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("topics " + topics + " have no leaders after 60 s");
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted waiting for topic leaders", e);
            }
        }
    }

    /**
     * Collects the heap between suites, so that one suite's garbage is not collected (in G1's mixed
     * collections) while the next one measures latency.
     */
    public void settle() {
        System.gc();
    }

    /** Prefix of every topic this run creates. */
    public String runPrefix() {
        return "bench-" + runId + "-";
    }

    /**
     * Deletes the topics whose names start with the prefix. Each partition holds open files in the
     * broker, which may share the JVM (and its descriptor limit) with the simulator's and workers' sockets.
     */
    public void dropTopics(String prefix) {
        try {
            var names = admin.listTopics().names().get().stream().filter(n -> n.startsWith(prefix)).toList();
            if (!names.isEmpty()) {
                admin.deleteTopics(names).all().get();
            }
        } catch (Exception e) {
            log.warn("could not delete bench topics {}*: {}", prefix, e.toString());
        }
    }

    /** File descriptors this process may still open (Long.MAX_VALUE where the JVM cannot tell). */
    public static long freeFileDescriptors() {
        var os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
            return unix.getMaxFileDescriptorCount() - unix.getOpenFileDescriptorCount();
        }
        return Long.MAX_VALUE;
    }

    /**
     * Local ports Linux hands out to outgoing connections ({@code net.ipv4.ip_local_port_range}): the
     * most connections this host can open to one address and port at once. Integer.MAX_VALUE where
     * it cannot tell.
     */
    public static int ephemeralPorts() {
        try {
            String[] range = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/sys/net/ipv4/ip_local_port_range"))
                    .trim().split("\\s+");
            return Integer.parseInt(range[1]) - Integer.parseInt(range[0]) + 1;
        } catch (java.io.IOException | RuntimeException e) {
            return Integer.MAX_VALUE;
        }
    }

    /** Client-side overrides for Kafka Streams and the components (empty on the embedded broker). */
    public Map<String, String> clientOverrides() {
        return Map.of();
    }

    @Override
    public void close() {
        admin.close();
        if (registryServer != null) {
            registryServer.close();
        }
        if (embedded != null) {
            try {
                embedded.close();
            } catch (Exception e) {
                log.warn("could not stop the bench broker: {}", e.toString());
            }
        }
    }
}
