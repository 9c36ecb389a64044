package org.kvsched.schemas.service;

import java.util.concurrent.CountDownLatch;
import java.util.function.Function;

/**
 * What every service {@code main} does: load {@link ServiceConfig} from args and environment, build
 * the service (configuration errors exit with status 2 and one line; keys set but not read by the service give
 * one warning line, see {@link ServiceConfig#unreadWarning}), start it, and stop it on SIGTERM or when it fails.
 */
public final class ServiceMain {

    private ServiceMain() {
    }

    /** Runs a service with a finite job until it is done or fails; returns the exit status. */
    public static int runToCompletion(final String serviceName, final String[] args, final Function<ServiceConfig, Service> factory) {
        final Service service = build(serviceName, args, factory);
        if (service == null) {
            return 2;
        }
        service.start();
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
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            service.close();
            stopped.countDown();
        }, serviceName + "-shutdown"));
        service.start();
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
        } catch (final IllegalArgumentException | java.io.UncheckedIOException e) {
            System.err.println(serviceName + ": " + String.valueOf(e.getMessage()).replace('\n', ' '));
            return null;
        }
        config.unreadWarning(serviceName).ifPresent(w -> System.err.println(serviceName + ": WARNING " + w));
        return service;
    }
}
