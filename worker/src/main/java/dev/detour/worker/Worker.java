package dev.detour.worker;

import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.jmx.JmxReporter;
import dev.detour.core.Topics;
import dev.detour.schema.ProviderLimits;
import dev.detour.schema.ProviderSpec;
import dev.detour.worker.flow.InFlightGate;
import dev.detour.worker.flow.Throttles;
import dev.detour.worker.internal.AttemptRunner;
import dev.detour.worker.internal.KafkaOutlets;
import dev.detour.worker.internal.PollLoop;
import dev.detour.worker.internal.RegistryWireCodec;
import dev.detour.worker.internal.WireCodec;
import dev.detour.worker.internal.WorkerClock;
import dev.detour.worker.metrics.MetricsEndpoint;
import dev.detour.worker.metrics.WorkerMetrics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running worker: consumes {@code <prefix>provider.<name>} topics and calls the providers, many
 * calls in flight on virtual threads. Start with {@link #start}, stop with {@link #close()}.
 */
public final class Worker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Worker.class);

    private final WorkerConfig config;
    private final PollLoop loop;
    private final Thread pollThread;
    private final KafkaProducer<String, byte[]> producer;
    private final WorkerMetrics metrics;
    private final InFlightGate gate;
    private final MetricsEndpoint endpoint;
    private final JmxReporter jmx;
    private volatile boolean loopAborted;

    private Worker(WorkerConfig config, PollLoop loop, KafkaProducer<String, byte[]> producer, WorkerMetrics metrics,
                   InFlightGate gate, MetricsEndpoint endpoint, JmxReporter jmx) {
        this.config = config;
        this.loop = loop;
        this.producer = producer;
        this.metrics = metrics;
        this.gate = gate;
        this.endpoint = endpoint;
        this.jmx = jmx;
        this.pollThread = Thread.ofPlatform().name("detour-worker-poll-" + config.instanceId()).unstarted(loop);
    }

    /** Starts a worker pricing usage by the catalog's rules. */
    public static Worker start(WorkerConfig config, AdapterRegistry adapters, DeploymentCatalog catalog) {
        return start(config, adapters, catalog, CostFunction.catalogPricing());
    }

    public static Worker start(WorkerConfig config, AdapterRegistry adapters, DeploymentCatalog catalog, CostFunction cost) {
        return start(config, adapters, catalog, cost, RegistryWireCodec.forUrl(config.schemaRegistryUrl()));
    }

    static Worker start(WorkerConfig config, AdapterRegistry adapters, DeploymentCatalog catalog, CostFunction cost,
                        WireCodec codec) {
        Topics topics = config.topics();
        WorkerMetrics metrics = new WorkerMetrics(new MetricRegistry());
        InFlightGate gate = new InFlightGate(config.maxInFlightTotal(),
                provider -> providerBound(config, catalog, provider), config.lowWaterRatio());
        Throttles throttles = new Throttles(p -> catalog.provider(p).map(ProviderSpec::getLimits).orElse(null));
        AttemptRunner runner = new AttemptRunner(adapters, catalog, cost, throttles, config.retry(),
                config.defaultTimeout(), config.maxThrottleWait(), config.instanceId(), metrics, WorkerClock.SYSTEM);

        KafkaProducer<String, byte[]> producer =
                new KafkaProducer<>(producerProperties(config), new StringSerializer(), new ByteArraySerializer());
        KafkaConsumer<byte[], byte[]> consumer;
        try {
            consumer = new KafkaConsumer<>(consumerProperties(config), new ByteArrayDeserializer(),
                    new ByteArrayDeserializer());
        } catch (RuntimeException e) {
            producer.close(Duration.ZERO);
            throw e;
        }
        List<String> providerTopics = config.providers().stream().map(topics::provider).toList();
        PollLoop loop = new PollLoop(consumer, new PollLoop.Settings(config.topicPrefix(), providerTopics,
                config.revokeGrace(), config.shutdownGrace(), config.commitInterval()),
                gate, runner, new KafkaOutlets(producer, topics, codec), codec, metrics);
        metrics.gauges(gate::inFlight, gate::peak, loop::pausedPartitions);
        for (String p : config.providers()) {
            metrics.providerInFlight(p, () -> gate.inFlight(p));
        }

        MetricsEndpoint endpoint = null;
        if (config.metricsPort() >= 0) {
            try {
                endpoint = MetricsEndpoint.start(metrics.registry(), config.metricsPort());
            } catch (IOException e) {
                producer.close();
                consumer.close();
                throw new UncheckedIOException("cannot open metrics port " + config.metricsPort(), e);
            }
        }
        JmxReporter jmx = null;
        if (config.jmx()) {
            jmx = JmxReporter.forRegistry(metrics.registry()).inDomain("dev.detour.worker." + config.instanceId()).build();
            jmx.start();
        }
        Worker worker = new Worker(config, loop, producer, metrics, gate, endpoint, jmx);
        worker.pollThread.start();
        log.info("worker {} started: topics {}, in flight <= {} (per provider <= {})", config.instanceId(),
                providerTopics.isEmpty() ? topics.provider("*") : providerTopics, config.maxInFlightTotal(),
                config.maxInFlightPerProvider());
        return worker;
    }

    private static int providerBound(WorkerConfig config, DeploymentCatalog catalog, String provider) {
        Integer catalogBound = catalog.provider(provider).map(ProviderSpec::getLimits).map(ProviderLimits::getMaxInFlight)
                .orElse(null);
        return catalogBound == null || catalogBound < 1
                ? config.maxInFlightPerProvider()
                : Math.min(catalogBound, config.maxInFlightPerProvider());
    }

    static Properties consumerProperties(WorkerConfig config) {
        Properties p = new Properties();
        p.putAll(config.kafkaProperties());
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, config.groupId());
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, config.instanceId() + "-consumer");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.putIfAbsent(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
        // A poll never returns more than could be started; the rest would only be sought back.
        // A resumed partition is fetched without waiting out a long poll for idle ones.
        p.putIfAbsent(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "100");
        p.putIfAbsent(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Integer.toString(Math.min(500, config.maxInFlightTotal())));
        // Under an exactly-once router a routed request of an aborted transaction is routed again;
        // calling it as well would pay the provider twice. Without transactions this costs nothing.
        p.putIfAbsent(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return p;
    }

    static Properties producerProperties(WorkerConfig config) {
        Properties p = new Properties();
        p.putAll(config.kafkaProperties());
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.put(ProducerConfig.CLIENT_ID_CONFIG, config.instanceId() + "-producer");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        // Every result waits for the linger, and a result is what the caller waits for. Under load the
        // producer still batches: records queue up behind the requests in flight to the broker.
        p.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, "0");
        return p;
    }

    public WorkerConfig config() {
        return config;
    }

    public WorkerMetrics metrics() {
        return metrics;
    }

    /** Calls in flight now (started, not yet finished or abandoned-and-ended). */
    public int inFlight() {
        return gate.inFlight();
    }

    /** Highest number of calls in flight so far. */
    public int peakInFlight() {
        return gate.peak();
    }

    /** Partitions this worker owns now. */
    public int assignedPartitions() {
        return loop.assignedPartitions();
    }

    /** Port of the /metrics endpoint, or -1 when off. */
    public int metricsPort() {
        return endpoint == null ? -1 : endpoint.port();
    }

    /**
     * Graceful stop: stop fetching, wait up to the shutdown grace for in-flight calls, commit what
     * finished, close. Calls still running are abandoned uncommitted; another worker redoes them.
     */
    @Override
    public void close() {
        loop.stop();
        awaitAndRelease(config.shutdownGrace().plusSeconds(30));
    }

    /**
     * Stop as a crash would: no further commit and no further output; every record not committed
     * is re-delivered to the worker that takes the partitions over.
     */
    public void abort() {
        loopAborted = true;
        loop.abort();
        awaitAndRelease(Duration.ofSeconds(30));
    }

    private void awaitAndRelease(Duration wait) {
        try {
            if (!loop.awaitStopped(wait)) {
                log.warn("poll loop of {} did not stop within {}", config.instanceId(), wait);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(loopAborted ? Duration.ZERO : Duration.ofSeconds(10));
        if (endpoint != null) {
            endpoint.close();
        }
        if (jmx != null) {
            jmx.close();
        }
    }
}
