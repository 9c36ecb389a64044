package org.kvsched.reports;

import java.util.List;

import org.kvsched.core.workload.JsonLineFields;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;

/**
 * The {@link JsonLineFields} of JSON-lines traces, on Jackson; registered as a service, so
 * {@code Workloads.readTrace} finds it whenever this module is on the class path. Strict: duplicate keys
 * and anything after the object are errors. Stateless and thread-safe.
 */
public final class JacksonJsonLineFields implements JsonLineFields {

    private static final ObjectReader READER = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .reader();

    /** Public for {@link java.util.ServiceLoader}. */
    public JacksonJsonLineFields() {
    }

    @Override
    public String[] values(final String line, final List<String> keys) {
        final JsonNode node;
        try {
            node = READER.readTree(line);
        } catch (final JsonProcessingException e) {
            throw new IllegalArgumentException("not valid JSON (" + e.getOriginalMessage() + ")", e);
        }
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("not a JSON object");
        }
        final String[] values = new String[keys.size()];
        for (int i = 0; i < values.length; i++) {
            final JsonNode v = node.get(keys.get(i));
            values[i] = v == null ? null : v.isNumber() ? v.asText() : v.toString();
        }
        return values;
    }
}
