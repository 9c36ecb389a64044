package org.kvsched.pipeline.service;

import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.KafkaException;

/**
 * What every service {@code main} does: load {@link ServiceConfig} from args and environment, build
 * the service (configuration errors exit with status 2 and one line; keys set but not read by the service give
 * one warning line, see {@link ServiceConfig#unreadWarning}), check that a broker answers at {@code bootstrap.servers}
 * ({@link #checkBroker}), start it (a start that fails on a setting, e.g. a vLLM server that refuses, also exits 2
 * with one line), and stop it on SIGTERM or when it fails.
 */
public final class ServiceMain {

    private ServiceMain() {
    }

    /** Runs a service with a finite job until it is done or fails; returns the exit status. */
    public static int runToCompletion(final String serviceName, final String[] args, final Function<ServiceConfig, Service> factory) {
        final Service service = build(serviceName, args, factory);
        if (service == null || !start(serviceName, service)) {
            return 2;
        }
        try {
            while (!service.awaitDone(500)) {
                if (service.failure() != null) {
                    break;
                }
            }
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            service.close();
        }
        if (service.failure() != null) {
            System.err.println(serviceName + ": failed: " + service.failure());
            return 1;
        }
        return 0;
    }

    /** Runs the service until the JVM is told to stop or the service fails; returns the exit status. */
    public static int run(final String serviceName, final String[] args, final Function<ServiceConfig, Service> factory) {
        final Service service = build(serviceName, args, factory);
        if (service == null) {
            return 2;
        }
        final CountDownLatch stopped = new CountDownLatch(1);
        final Thread hook = new Thread(() -> {
            service.close();
            stopped.countDown();
        }, serviceName + "-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        if (!start(serviceName, service)) {
            Runtime.getRuntime().removeShutdownHook(hook);
            return 2;
        }
        try {
            while (!stopped.await(500, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                if (service.failure() != null) {
                    System.err.println(serviceName + ": failed: " + service.failure());
                    service.close();
                    return 1;
                }
            }
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    /**
     * Loads the configuration and builds the service; null after printing the one-line configuration error.
     * Every service reads all its keys in its constructor, so once the factory returns, a key still unread is
     * one the service ignores (usually a typo), and one warning line names them all.
     */
    private static Service build(final String serviceName, final String[] args, final Function<ServiceConfig, Service> factory) {
        final ServiceConfig config;
        final Service service;
        try {
            config = ServiceConfig.load(args, System.getenv());
            service = factory.apply(config);
            checkBroker(config);
        } catch (final IllegalArgumentException | java.io.UncheckedIOException e) {
            System.err.println(serviceName + ": " + String.valueOf(e.getMessage()).replace('\n', ' '));
            return null;
        }
        config.unreadWarning(serviceName).ifPresent(w -> System.err.println(serviceName + ": WARNING " + w));
        return service;
    }

    /** Starts the service; false after printing one line if the start failed on a setting (IllegalArgumentException). */
    private static boolean start(final String serviceName, final Service service) {
        try {
            service.start();
            return true;
        } catch (final IllegalArgumentException e) {
            System.err.println(serviceName + ": " + String.valueOf(e.getMessage()).replace('\n', ' '));
            service.close();
            return false;
        }
    }

    /**
     * Fails with one line naming {@code bootstrap.servers} unless a Kafka broker answers there within
     * {@code bootstrap.check.ms} (default 30000; 0 skips the check). Without it a service with an unreachable broker
     * would retry for ever, its Kafka clients logging warnings. {@code kafka.*} keys (security settings) apply.
     *
     * @throws IllegalArgumentException naming the key when no broker answers or the address does not resolve
     */
    public static void checkBroker(final ServiceConfig config) {
        final String servers = config.require("bootstrap.servers");
        final long timeoutMs = config.getLong("bootstrap.check.ms", 30_000L);
        if (timeoutMs < 0 || timeoutMs > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("config: key 'bootstrap.check.ms' must be >= 0 (0 = no check), got " + timeoutMs);
        }
        if (timeoutMs == 0) {
            return;
        }
        final Properties p = new Properties();
        p.putAll(config.kafkaOverrides());
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeoutMs);
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeoutMs);
        final Admin admin;
        try {
            admin = Admin.create(p);
        } catch (final KafkaException e) {
            final Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new IllegalArgumentException("config: key 'bootstrap.servers' is '" + servers + "': " + cause.getMessage(), e);
        }
        try {
            admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) timeoutMs)).clusterId().get(timeoutMs + 5_000, TimeUnit.MILLISECONDS);
        } catch (final ExecutionException | TimeoutException e) {
            throw new IllegalArgumentException("config: key 'bootstrap.servers': no Kafka broker answered at '" + servers + "' within "
                    + timeoutMs + " ms (key 'bootstrap.check.ms')", e);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalArgumentException("config: key 'bootstrap.servers': interrupted while checking '" + servers + "'", e);
        } finally {
            admin.close(Duration.ZERO);
        }
    }
}
