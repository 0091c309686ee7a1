package io.unlearn.localstack;

import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.common.utils.Exit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;

/**
 * A single-node KRaft cluster inside this JVM, built on Kafka's own test kit ({@code KafkaClusterTestKit}).
 * Starts in a few seconds and needs no child process; used by {@link SharedStack} for tests.
 *
 * <p>The internal topics are forced to replication factor 1 (the defaults of 3 cannot be met by one node and
 * would leave consumer groups and transactions waiting forever).
 */
public final class InJvmKafkaBroker implements KafkaBroker {

    private static final Logger LOG = LoggerFactory.getLogger(InJvmKafkaBroker.class);

    /**
     * The super user of {@link #startSaslPlain()}'s broker (the test kit's own). Its password is public: a test
     * broker's, never a deployment's.
     */
    public static final String SASL_PLAIN_ADMIN = "plain-admin";
    public static final String SASL_PLAIN_ADMIN_PASSWORD = "plain-admin-secret";

    private final KafkaClusterTestKit cluster;
    private volatile boolean closed;

    private InJvmKafkaBroker(KafkaClusterTestKit cluster) {
        this.cluster = cluster;
    }

    /** Formats storage in a temporary directory, starts the node and waits until the broker is ready. */
    public static InJvmKafkaBroker start() {
        return start(SecurityProtocol.PLAINTEXT);
    }

    /**
     * A broker whose client listener takes only SASL_PLAINTEXT with mechanism PLAIN: the test kit then also runs
     * Kafka's authorizer, denies what no ACL allows, and makes {@link #SASL_PLAIN_ADMIN} a super user. Clients need
     * {@link #saslPlainClientSettings}. The test kit sets the JVM's JAAS file (its {@code KafkaServer} section only),
     * so a client that brings no {@code sasl.jaas.config} of its own cannot log in.
     */
    public static InJvmKafkaBroker startSaslPlain() {
        return start(SecurityProtocol.SASL_PLAINTEXT);
    }

    /** The settings a client of {@link #startSaslPlain()}'s broker needs to log in as {@code user}. */
    public static Map<String, String> saslPlainClientSettings(String user, String password) {
        return Map.of("security.protocol", SecurityProtocol.SASL_PLAINTEXT.name, "sasl.mechanism", "PLAIN",
                "sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required username=\""
                        + user + "\" password=\"" + password + "\";");
    }

    private static InJvmKafkaBroker start(SecurityProtocol clientProtocol) {
        // The broker halts its JVM when its log directory fails. At test-JVM exit the test kit's own shutdown hook
        // may delete the temporary log directory while our hook is still closing the broker (hooks run
        // concurrently), and the halt then turns a green test run into a crashed fork. A test broker must never
        // end the JVM it lives in, so halt and exit only log here.
        Exit.setHaltProcedure((code, message) -> LOG.warn("in-JVM Kafka broker asked to halt ({}): {}", code, message));
        Exit.setExitProcedure((code, message) -> LOG.warn("in-JVM Kafka broker asked to exit ({}): {}", code, message));
        KafkaClusterTestKit cluster = null;
        try {
            TestKitNodes nodes = new TestKitNodes.Builder()
                    .setCombined(true)
                    .setNumBrokerNodes(1)
                    .setNumControllerNodes(1)
                    .setBrokerSecurityProtocol(clientProtocol)
                    // with SASL the test kit's authorizer denies the anonymous controller link: log it in too
                    .setControllerSecurityProtocol(clientProtocol)
                    .build();
            KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(nodes);
            BrokerSettings.singleNode().forEach(builder::setConfigProp);
            cluster = builder.build();
            cluster.format();
            cluster.startup();
            cluster.waitForReadyBrokers();
            return new InJvmKafkaBroker(cluster);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closeQuietly(cluster);
            throw new LocalStackException("interrupted while starting the in-JVM Kafka broker", e);
        } catch (Exception e) {
            closeQuietly(cluster);
            throw new LocalStackException("cannot start the in-JVM Kafka broker: " + e, e);
        }
    }

    @Override
    public String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            closeQuietly(cluster);
        }
    }

    private static void closeQuietly(KafkaClusterTestKit cluster) {
        if (cluster == null) {
            return;
        }
        try {
            cluster.close();
        } catch (Exception e) {
            // Shutting down at JVM exit: a failed close of a temporary cluster loses nothing.
        }
    }
}
