package dev.detour.ledger;

import dev.detour.ledger.http.KeyLocator;
import dev.detour.ledger.http.LedgerHttpServer;
import dev.detour.ledger.http.LedgerQueries;
import dev.detour.ledger.http.StoreSource;
import dev.detour.ledger.topology.LedgerTopology;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/**
 * A running ledger instance: the Kafka Streams application (exactly_once_v2) and its HTTP API.
 * Start with {@link #start(LedgerConfig)}; {@link #httpUrl()} is where {@link LedgerClient} connects.
 */
public final class Ledger implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Ledger.class);

    private final KafkaStreams streams;
    private final LedgerHttpServer http;
    private final URI httpUrl;

    private Ledger(KafkaStreams streams, LedgerHttpServer http, URI httpUrl) {
        this.streams = streams;
        this.http = http;
        this.httpUrl = httpUrl;
    }

    public static Ledger start(LedgerConfig config) {
        LedgerHttpServer http;
        try {
            http = new LedgerHttpServer(config.httpBindHost(), config.httpPort());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot bind the ledger's HTTP API on " + config.httpBindHost() + ":" + config.httpPort(), e);
        }
        HostInfo self = new HostInfo(config.advertisedHost(), http.port());
        LedgerTopology.Settings settings = new LedgerTopology.Settings(config.topics(), config.serdes(), config.costFormula(),
                config.dedupRetention(), Duration.ofHours(1), config.budgetCheckInterval(), false);
        KafkaStreams streams = new KafkaStreams(LedgerTopology.build(settings), streamsProperties(config, self));
        streams.setUncaughtExceptionHandler(e -> {
            log.error("ledger stream thread failed; replacing it (exactly-once: the open transaction is aborted)", e);
            return org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        streams.start();
        StoreSource stores = new StoreSource() {
            @Override
            public <V> ReadOnlyKeyValueStore<String, V> store(String name) {
                return streams.store(StoreQueryParameters.fromNameAndType(name, QueryableStoreTypes.<String, V>keyValueStore()));
            }
        };
        KeyLocator locator = new KeyLocator() {
            @Override
            public Optional<HostInfo> ownerOf(String store, String key) {
                KeyQueryMetadata m = streams.queryMetadataForKey(store, key, new StringSerializer());
                return m == null || m.equals(KeyQueryMetadata.NOT_AVAILABLE) ? Optional.empty() : Optional.of(m.activeHost());
            }

            @Override
            public List<HostInfo> allHosts() {
                return streams.metadataForAllStreamsClients().stream().map(StreamsMetadata::hostInfo).distinct().toList();
            }
        };
        http.start(new LedgerQueries(stores), locator, self);
        URI url = URI.create("http://" + self.host() + ":" + self.port());
        log.info("ledger {} started; HTTP API at {}", config.applicationId(), url);
        return new Ledger(streams, http, url);
    }

    static Properties streamsProperties(LedgerConfig config, HostInfo self) {
        Properties p = new Properties();
        p.putAll(config.clientProperties());
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.STATE_DIR_CONFIG, config.stateDir().toString());
        p.put(StreamsConfig.APPLICATION_SERVER_CONFIG, self.host() + ":" + self.port());
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, config.streamThreads());
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, (int) config.commitInterval().toMillis());
        return p;
    }

    /** Base URL of this instance's HTTP API. */
    public URI httpUrl() {
        return httpUrl;
    }

    /** True once the streams application is processing (state restored, partitions assigned). */
    public boolean isRunning() {
        return streams.state() == KafkaStreams.State.RUNNING;
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    @Override
    public void close() {
        http.close();
        // Leave the group on a deliberate stop, so the remaining instances take the partitions over at once
        // instead of after a session timeout.
        streams.close(new KafkaStreams.CloseOptions().timeout(Duration.ofSeconds(30)).leaveGroup(true));
    }
}
