package org.kvsched.schemas.serde;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.avro.Schema;
import org.apache.kafka.common.errors.SerializationException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A minimal client of the Confluent Schema Registry REST API (also served by Apicurio's ccompat API,
 * Karapace and Redpanda): register a schema under a subject, fetch a schema by id. Results are cached,
 * so each schema costs one request per process. Thread-safe.
 */
public final class RegistryClient {

    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String baseUrl;
    private final HttpClient http;
    private final Map<String, Integer> idBySubjectAndSchema = new ConcurrentHashMap<>();
    private final Map<Integer, Schema> schemaById = new ConcurrentHashMap<>();

    /** @param baseUrl registry base URL, e.g. {@code http://schema-registry:8081} */
    public RegistryClient(final String baseUrl) {
        if (!baseUrl.startsWith("http://") && !baseUrl.startsWith("https://")) {
            throw new IllegalArgumentException(AvroSerdes.SCHEMA_REGISTRY_URL + ": expected http(s)://host:port, got '" + baseUrl + "'");
        }
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    }

    /** The registry base URL, without a trailing slash. */
    public String baseUrl() {
        return baseUrl;
    }

    /** Registers (or finds) the schema under the subject and returns its global id. */
    public int register(final String subject, final Schema schema) {
        final String text = schema.toString();
        return idBySubjectAndSchema.computeIfAbsent(subject + '\u0000' + text, k -> {
            final String body = schemaBody(text);
            final JsonNode response = send(HttpRequest.newBuilder(URI.create(baseUrl + "/subjects/"
                            + URLEncoder.encode(subject, StandardCharsets.UTF_8) + "/versions"))
                    .header("Content-Type", CONTENT_TYPE)
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build());
            final JsonNode idNode = response.get("id");
            if (idNode == null || !idNode.isIntegralNumber() || !idNode.canConvertToInt()) {
                throw new SerializationException("schema registry " + baseUrl + ": no id in response to registering " + subject + ": " + response);
            }
            final int id = idNode.intValue();
            schemaById.putIfAbsent(id, schema);
            return id;
        });
    }

    /** The schema with the given global id. */
    public Schema schema(final int id) {
        return schemaById.computeIfAbsent(id, k -> {
            final JsonNode response = send(HttpRequest.newBuilder(URI.create(baseUrl + "/schemas/ids/" + id))
                    .header("Accept", CONTENT_TYPE).GET().build());
            final JsonNode schema = response.get("schema");
            if (schema == null || !schema.isTextual()) {
                throw new SerializationException("schema registry " + baseUrl + ": no schema text in response for id " + id + ": " + response);
            }
            return new Schema.Parser().parse(schema.textValue());
        });
    }

    /** The registry's JSON answer to {@code request}; any failure, a non-2xx status or a body that is not JSON included, is a SerializationException. */
    private JsonNode send(final HttpRequest request) {
        try {
            final HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 != 2) {
                throw new SerializationException("schema registry " + request.uri() + ": HTTP " + response.statusCode() + ": " + response.body());
            }
            try {
                return JSON.readTree(response.body());
            } catch (final JsonProcessingException e) {
                throw new SerializationException("schema registry " + request.uri() + ": response is not JSON: " + response.body(), e);
            }
        } catch (final IOException e) {
            throw new SerializationException("schema registry " + request.uri() + ": " + e.getMessage(), e);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SerializationException("interrupted while calling schema registry " + request.uri(), e);
        }
    }

    /** The request body that registers {@code schemaText}: {@code {"schema": "<the schema as a JSON string>"}}. */
    private static String schemaBody(final String schemaText) {
        return JSON.createObjectNode().put("schema", schemaText).toString();
    }
}
