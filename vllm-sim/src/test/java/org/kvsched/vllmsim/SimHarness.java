package org.kvsched.vllmsim;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.kvsched.core.exec.ModelCatalog;
import org.kvsched.core.exec.ModelProfile;
import org.kvsched.core.workload.EosModel;

/** A vllm-sim server on a free loopback port and a JDK HttpClient to talk to it (tests only). */
final class SimHarness implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();

    final VllmSimServer server;
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    SimHarness(final VllmSimSettings settings) {
        this.server = VllmSimServer.start(settings.withPort(0));
    }

    /** llama2-7b-a100 at {@code speed}, output lengths from {@code eos}. */
    static VllmSimSettings settings(final String model, final double speed, final String eos) {
        final ModelProfile profile = ModelCatalog.byName(model);
        return VllmSimSettings.defaults(profile).withSpeed(speed).withEos(EosModel.parse(eos, 7));
    }

    URI uri(final String path) {
        return URI.create(server.url() + path);
    }

    HttpResponse<String> get(final String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(20)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(final String body) throws IOException, InterruptedException {
        return http.send(completion(body), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<InputStream> postStreaming(final String body) throws IOException, InterruptedException {
        return http.send(completion(body), HttpResponse.BodyHandlers.ofInputStream());
    }

    HttpRequest completion(final String body) {
        return HttpRequest.newBuilder(uri("/v1/completions")).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    /** The SSE events of a whole stream body: each {@code data: X} event's X, after checking the framing. */
    static List<String> events(final String body) {
        if (!body.endsWith("\n\n")) {
            throw new AssertionError("an SSE stream ends with a blank line after its last event: " + tail(body));
        }
        final List<String> out = new ArrayList<>();
        for (final String event : body.substring(0, body.length() - 2).split("\n\n", -1)) {
            if (!event.startsWith("data: ") || event.indexOf('\n') >= 0) {
                throw new AssertionError("not a single-line 'data: ' event: [" + event + "]");
            }
            out.add(event.substring("data: ".length()));
        }
        return out;
    }

    /** A streamed event read with the time it arrived. */
    record TimedEvent(String data, long nanos) {
    }

    /** Reads {@code data:} events from a stream as they arrive, until {@code [DONE]} or the end. */
    static List<TimedEvent> readEvents(final InputStream in) throws IOException {
        final List<TimedEvent> out = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.startsWith("data: ")) {
                    out.add(new TimedEvent(line.substring(6), System.nanoTime()));
                    if (line.equals("data: [DONE]")) {
                        break;
                    }
                }
            }
        }
        return out;
    }

    static JsonNode parse(final String json) {
        try {
            return JSON.readTree(json);
        } catch (final IOException e) {
            throw new AssertionError("not JSON: " + json, e);
        }
    }

    /** The Prometheus text of /metrics: sample name (with labels) to value, and metric name to TYPE. */
    record Scrape(Map<String, Double> samples, Map<String, String> types, String contentType) {
        /** The value of the one sample whose name (before any label) is {@code name}. */
        double value(final String name) {
            Double found = null;
            for (final Map.Entry<String, Double> e : samples.entrySet()) {
                final String key = e.getKey();
                final int brace = key.indexOf('{');
                if ((brace < 0 ? key : key.substring(0, brace)).equals(name)) {
                    if (found != null) {
                        throw new AssertionError("more than one sample named " + name);
                    }
                    found = e.getValue();
                }
            }
            if (found == null) {
                throw new AssertionError("no sample named " + name + " in " + samples.keySet());
            }
            return found;
        }
    }

    Scrape scrape() throws IOException, InterruptedException {
        final HttpResponse<String> r = get("/metrics");
        if (r.statusCode() != 200) {
            throw new AssertionError("/metrics answered " + r.statusCode());
        }
        final Map<String, Double> samples = new HashMap<>();
        final Map<String, String> types = new HashMap<>();
        for (final String line : r.body().split("\n")) {
            if (line.startsWith("# TYPE ")) {
                final String[] parts = line.split(" ");
                types.put(parts[2], parts[3]);
            } else if (!line.startsWith("#") && !line.isBlank()) {
                final int space = line.lastIndexOf(' ');
                samples.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
            }
        }
        return new Scrape(samples, types, r.headers().firstValue("Content-Type").orElse(""));
    }

    /** Waits until {@code condition} holds, polling, for at most {@code timeout}. */
    static boolean await(final Duration timeout, final BooleanSupplier condition) throws InterruptedException {
        final long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(10);
        }
        return condition.getAsBoolean();
    }

    private static String tail(final String s) {
        return s.length() <= 200 ? s : "..." + s.substring(s.length() - 200);
    }

    @Override
    public void close() {
        server.close();
    }
}
