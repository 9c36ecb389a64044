package org.kvsched.schemas.serde;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A test double of the two Confluent Schema Registry endpoints the serdes use (register under a
 * subject, fetch by id), on an ephemeral loopback port. Schemas are stored as the exact text posted.
 */
final class FakeRegistry implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final List<String> schemas = new ArrayList<>();
    private final Map<String, Integer> ids = new ConcurrentHashMap<>();

    FakeRegistry() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/subjects/", this::register);
        server.createContext("/schemas/ids/", this::fetch);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    synchronized int count() {
        return schemas.size();
    }

    private synchronized void register(final HttpExchange ex) throws IOException {
        final String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        final String schema = JSON.readTree(body).get("schema").textValue();
        final Integer id = ids.computeIfAbsent(schema, s -> {
            schemas.add(s);
            return schemas.size();
        });
        reply(ex, 200, "{\"id\":" + id + "}");
    }

    private synchronized void fetch(final HttpExchange ex) throws IOException {
        final String path = ex.getRequestURI().getPath();
        final int id = Integer.parseInt(path.substring(path.lastIndexOf('/') + 1));
        if (id < 1 || id > schemas.size()) {
            reply(ex, 404, "{\"error_code\":40403,\"message\":\"Schema not found\"}");
            return;
        }
        reply(ex, 200, JSON.createObjectNode().put("schema", schemas.get(id - 1)).toString());
    }

    private static void reply(final HttpExchange ex, final int status, final String body) throws IOException {
        final byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
