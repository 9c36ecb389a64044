package org.kvsched.schemas.serde;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.avro.Schema;
import org.apache.avro.message.SchemaStore;

/**
 * Every released version of every schema, read from the classpath ({@code avro-history/index.txt}
 * lists {@code Type/vN.avsc} files; each file is self-contained). Released versions are kept under
 * version control next to the sources so an old record can always be decoded and so the build can
 * check each new schema against them.
 *
 * <p>Immutable after construction; {@link #store()} returns a fresh {@link SchemaStore.Cache}.
 */
public final class SchemaHistory {

    /** Classpath folder of the released schemas. */
    public static final String FOLDER = "avro-history/";

    private final Map<String, List<Schema>> byType;

    private SchemaHistory(final Map<String, List<Schema>> byType) {
        this.byType = byType;
    }

    /** The released schemas shipped in this jar. */
    public static SchemaHistory released() {
        final Map<String, List<Schema>> map = new LinkedHashMap<>();
        for (final String entry : readLines(FOLDER + "index.txt")) {
            final int slash = entry.indexOf('/');
            if (slash <= 0) {
                throw new IllegalStateException(FOLDER + "index.txt: entry '" + entry + "' is not Type/file.avsc");
            }
            final Schema schema = new Schema.Parser().parse(String.join("\n", readLines(FOLDER + entry)));
            map.computeIfAbsent(entry.substring(0, slash), k -> new ArrayList<>()).add(schema);
        }
        final Map<String, List<Schema>> frozen = new LinkedHashMap<>();
        map.forEach((k, v) -> frozen.put(k, List.copyOf(v)));
        return new SchemaHistory(Map.copyOf(frozen));
    }

    /** Released versions of a type (simple name, e.g. {@code BatchPlan}), oldest first; empty if none. */
    public List<Schema> versions(final String type) {
        return byType.getOrDefault(type, List.of());
    }

    /** Simple names of every type with a released version. */
    public List<String> types() {
        return List.copyOf(byType.keySet());
    }

    /** A schema store holding every released version, for single-object decoders. */
    public SchemaStore.Cache store() {
        final SchemaStore.Cache cache = new SchemaStore.Cache();
        byType.values().forEach(list -> list.forEach(cache::addSchema));
        return cache;
    }

    private static List<String> readLines(final String resource) {
        try (InputStream in = SchemaHistory.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing classpath resource " + resource);
            }
            final List<String> lines = new ArrayList<>();
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    if (!line.isBlank() && !line.startsWith("#")) {
                        lines.add(line);
                    }
                }
            }
            return lines;
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
    }
}
