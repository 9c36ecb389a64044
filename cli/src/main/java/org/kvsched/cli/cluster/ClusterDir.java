package org.kvsched.cli.cluster;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The folder a local cluster lives in (by default {@code .kvsched-cluster} in the working directory):
 * {@code logs/<process>.log}, {@code pids/<process>.pid}, {@code data/} (broker log dirs and the
 * scheduler's state), the generated {@code broker.properties} and {@code services.properties}, and
 * {@code cluster.properties}, which records what {@code up} started (bootstrap address, ports,
 * replicas) for {@code status}.
 *
 * @param root the folder, absolute
 */
public record ClusterDir(Path root) {

    /** The folder {@code cluster} commands use unless told otherwise. */
    public static final String DEFAULT = ".kvsched-cluster";

    /** Normalises {@code root} to an absolute path: the pid marker and the services' files name it. */
    public ClusterDir {
        root = root.toAbsolutePath().normalize();
    }

    /** Where each process's stdout and stderr go. */
    public Path logs() {
        return root.resolve("logs");
    }

    /** One file per process holding its pid. */
    public Path pids() {
        return root.resolve("pids");
    }

    /** Broker data and scheduler state; wiped by {@code up} (each cluster starts empty). */
    public Path data() {
        return root.resolve("data");
    }

    public Path log(final String process) {
        return logs().resolve(process + ".log");
    }

    public Path pidFile(final String process) {
        return pids().resolve(process + ".pid");
    }

    public Path brokerProperties() {
        return root.resolve("broker.properties");
    }

    public Path brokerLog4j() {
        return root.resolve("broker-log4j2.xml");
    }

    /** The services' configuration file (their single command-line argument, see ServiceConfig). */
    public Path servicesProperties() {
        return root.resolve("services.properties");
    }

    public Path clusterProperties() {
        return root.resolve("cluster.properties");
    }

    /** What {@code up} recorded, or empty when no cluster was started here. */
    public Optional<Map<String, String>> readClusterProperties() {
        return Files.isRegularFile(clusterProperties()) ? Optional.of(read(clusterProperties())) : Optional.empty();
    }

    static Map<String, String> read(final Path file) {
        final Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        final Map<String, String> m = new TreeMap<>();
        p.stringPropertyNames().forEach(k -> m.put(k, p.getProperty(k)));
        return m;
    }

    static void write(final Path file, final Map<String, String> values, final String comment) {
        final Properties p = new Properties();
        p.putAll(values);
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            p.store(w, comment);
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
