package io.unlearn.streamprocessor;

import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StreamProcessorConfigTest {

    @Test
    void shouldDefaultToSettingsThatRunOnOneMachine() {
        StreamProcessorConfig cfg = StreamProcessorConfig.from(Map.of());

        Properties streams = cfg.streamsProperties();
        assertEquals("localhost:9092", streams.get(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG));
        assertEquals(1, streams.get(StreamsConfig.REPLICATION_FACTOR_CONFIG));
        assertEquals(StreamsConfig.EXACTLY_ONCE_V2, streams.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG));
        assertEquals("unlearning.deletion-requests", cfg.deletionRequestsTopic());
        assertEquals("unlearning.dead-letter", cfg.deadLetterTopic());
        assertEquals(Duration.ofDays(7), cfg.dedupRetention());
        assertEquals(100_000, cfg.requestMaxIds());
        assertEquals(256, cfg.requestMaxIdBytes());
        assertTrue(cfg.stateDir().startsWith(System.getProperty("java.io.tmpdir")));
        assertEquals(500L, streams.get(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG));
        assertEquals(Duration.ofMillis(50), cfg.bundleInterval());
        assertEquals(256 * 1024, streams.get("producer.batch.size"));
        assertEquals("io.unlearn.streamprocessor.internals.DeadLetterProductionExceptionHandler",
                streams.get(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG));
        assertEquals("unlearning.dead-letter", streams.get(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG));
        assertEquals(262_144, cfg.requestMaxBytes());
        assertEquals(491_520, cfg.batchMaxBytes());
        assertEquals("127.0.0.1", cfg.httpHost(), "the endpoint must not listen on every interface by default");
    }

    @Test
    void shouldGiveTheKafkaSecuritySettingsToEveryStreamsClient() {
        Properties streams = StreamProcessorConfig.from(Map.of("security.protocol", "SASL_PLAINTEXT",
                "sasl.mechanism", "PLAIN", "sasl.jaas.config", "x required;", "schema.registry.bearer.auth.token",
                "sr-token")).streamsProperties();

        assertEquals("SASL_PLAINTEXT", streams.get("security.protocol"));
        assertEquals("PLAIN", streams.get("sasl.mechanism"));
        assertEquals("x required;", streams.get("sasl.jaas.config"));
        assertEquals(null, streams.get("schema.registry.bearer.auth.token"), "not a Kafka client setting");
    }

    @Test
    void shouldSetTheCommitIntervalFromItsOwnKeyAndRefuseTheStreamsOne() {
        Properties streams = StreamProcessorConfig.from(Map.of(StreamProcessorConfig.COMMIT_INTERVAL_MS_CONFIG, "50"))
                .streamsProperties();
        ConfigException error = assertThrows(ConfigException.class, () -> StreamProcessorConfig.from(Map.of(
                "streams.commit.interval.ms", "50")));

        assertEquals(50L, streams.get(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG));
        assertTrue(error.getMessage().contains("streams.commit.interval.ms=50: the stream-processor sets it from "
                + "commit.interval.ms; set that key instead"), error.getMessage());
    }

    @Test
    void shouldRejectBundleIntervalLongerThanMaxWait() {
        ConfigException error = assertThrows(ConfigException.class, () -> StreamProcessorConfig.from(Map.of(
                StreamProcessorConfig.BATCH_MAX_WAIT_MS_CONFIG, "1000",
                StreamProcessorConfig.BUNDLE_INTERVAL_MS_CONFIG, "1500")));

        assertTrue(error.getMessage().contains("Invalid value 1500 for configuration bundle.interval.ms: must not "
                + "exceed batch.max.wait.ms=1000"), error.getMessage());
    }

    @Test
    void shouldReportEveryInvalidSettingAtOnceWithKeyValueAndRule() {
        ConfigException error = assertThrows(ConfigException.class, () -> StreamProcessorConfig.from(Map.of(
                StreamProcessorConfig.BATCH_MAX_REQUESTS_CONFIG, "0",
                StreamProcessorConfig.HTTP_PORT_CONFIG, "70000",
                StreamProcessorConfig.BATCHES_TOPIC_CONFIG, "bad topic",
                StreamProcessorConfig.DEDUP_RETENTION_MS_CONFIG, "a week")));

        String message = error.getMessage();
        assertTrue(message.contains("4 problem(s)"), message);
        assertTrue(message.contains("Invalid value 0 for configuration batch.max.requests: Value must be at least 1"), message);
        assertTrue(message.contains("70000") && message.contains("http.port"), message);
        assertTrue(message.contains("bad topic") && message.contains("[a-zA-Z0-9._-]"), message);
        assertTrue(message.contains("a week") && message.contains("dedup.retention.ms"), message);
    }

    @Test
    void shouldRefuseToSwitchExactlyOnceOffAndSayWhy() {
        ConfigException error = assertThrows(ConfigException.class, () -> StreamProcessorConfig.from(Map.of(
                "streams.processing.guarantee", "at_least_once",
                "consumer.isolation.level", "read_uncommitted")));

        assertTrue(error.getMessage().contains("always runs exactly_once_v2"), error.getMessage());
        assertTrue(error.getMessage().contains("needs read_committed"), error.getMessage());
    }

    @Test
    void shouldRejectWaitCheckIntervalLongerThanMaxWait() {
        ConfigException error = assertThrows(ConfigException.class, () -> StreamProcessorConfig.from(Map.of(
                StreamProcessorConfig.BATCH_MAX_WAIT_MS_CONFIG, "1000",
                StreamProcessorConfig.BATCH_WAIT_CHECK_INTERVAL_MS_CONFIG, "2000")));

        assertTrue(error.getMessage().contains("batch.wait.check.interval.ms: must not exceed batch.max.wait.ms=1000"),
                error.getMessage());
    }

    @Test
    void shouldPassPrefixedClientSettingsThroughAndConvertValuesOnce() {
        StreamProcessorConfig cfg = StreamProcessorConfig.from(Map.of(
                "streams.num.standby.replicas", "1",
                "producer.linger.ms", "5",
                "producer.batch.size", "65536",
                StreamProcessorConfig.KNOWN_MODELS_CONFIG, "m1, m2",
                StreamProcessorConfig.BATCH_MAX_WAIT_MS_CONFIG, "2500"));

        Properties streams = cfg.streamsProperties();
        assertEquals("1", streams.get("num.standby.replicas"));
        assertEquals("5", streams.get("producer.linger.ms"));
        assertEquals("65536", streams.get("producer.batch.size"));
        assertEquals(Set.of("m1", "m2"), cfg.knownModels());
        assertEquals(Duration.ofMillis(2500), cfg.batchMaxWait());
    }

    @Test
    void shouldReadSettingsFromFileThenFromEnvironment(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("sp.properties");
        Files.writeString(file, "batch.max.requests=7\nbatch.max.samples=70\n");

        Map<String, String> settings = StreamProcessorApp.settings(file,
                Map.of("STREAM_PROCESSOR_BATCH_MAX_SAMPLES", "80", "PATH", "/bin"));

        assertEquals(Map.of("batch.max.requests", "7", "batch.max.samples", "80"), settings);
    }

    @Test
    void shouldDocumentEveryKeyInTheGeneratedTable() {
        String docs = StreamProcessorConfig.configDocs();

        assertTrue(docs.contains("| `batch.max.wait.ms` | long | `10000` |"), docs);
        assertTrue(docs.contains("dedup.retention.ms"), docs);
    }

    @Test
    void shouldRefuseLimitsWhoseBatchOrStatusCouldNotFitTheProducersMaxRequestSizeNamingBothKeys() {
        ConfigException error = assertThrows(ConfigException.class, () -> StreamProcessorConfig.from(Map.of(
                "producer.max.request.size", "131072")));

        String message = error.getMessage();
        assertTrue(message.contains("Invalid value 491520 for configuration batch.max.bytes: a batch may then encode "
                + "to 2 x 491520 + 3 x request.max.id.bytes (256) + 4096 = 987904 bytes, more than "
                + "producer.max.request.size=131072"), message);
        assertTrue(message.contains("lower batch.max.bytes to at most 63104"), message);
        assertTrue(message.contains("Invalid value 262144 for configuration request.max.bytes: a status may then"
                + " encode to"), message);
    }

    @Test
    void shouldAcceptSmallLimitsDerivedFromASmallMaxRequestSizeAndCapTheProducerBatchSizeToIt() {
        StreamProcessorConfig cfg = StreamProcessorConfig.from(Map.of(
                "producer.max.request.size", "131072",
                StreamProcessorConfig.BATCH_MAX_BYTES_CONFIG, "63104",
                StreamProcessorConfig.REQUEST_MAX_BYTES_CONFIG, "32768"));

        assertEquals(131072, cfg.producerMaxRequestSize());
        assertTrue(cfg.maxBatchRecordBytes() <= 131072);
        assertEquals(131072, cfg.streamsProperties().get("producer.batch.size"));
    }

    @Test
    void shouldRefuseARequestLimitThatCouldNotFitABatch() {
        ConfigException error = assertThrows(ConfigException.class, () -> StreamProcessorConfig.from(Map.of(
                StreamProcessorConfig.REQUEST_MAX_BYTES_CONFIG, "400000",
                StreamProcessorConfig.BATCH_MAX_BYTES_CONFIG, "300000")));

        assertTrue(error.getMessage().contains("Invalid value 400000 for configuration request.max.bytes: must not "
                + "exceed batch.max.bytes - 24 = 299976"), error.getMessage());
    }

    @Test
    void shouldDefaultToAOneMonthDeadlineClosingBatchesADayAhead() {
        StreamProcessorConfig cfg = StreamProcessorConfig.from(Map.of());

        assertEquals(Duration.ofDays(30), cfg.requestDefaultDeadline());
        assertEquals(Duration.ofDays(1), cfg.batchDeadlineMargin());
    }

    @Test
    void shouldRefuseADeadlineMarginThatWouldCloseEveryBatchOnArrival() {
        ConfigException error = assertThrows(ConfigException.class, () -> StreamProcessorConfig.from(Map.of(
                StreamProcessorConfig.REQUEST_DEFAULT_DEADLINE_MS_CONFIG, "86400000",
                StreamProcessorConfig.BATCH_DEADLINE_MARGIN_MS_CONFIG, "86400000")));

        assertTrue(error.getMessage().contains("Invalid value 86400000 for configuration batch.deadline.margin.ms: "
                + "must be less than request.default.deadline.ms=86400000"), error.getMessage());
    }
}
