package org.kvsched.cli;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Reads the JSON files the commands write back for the tests to check: with Jackson, objects as
 * {@link LinkedHashMap} (document order kept), arrays as lists, numbers as {@link Number} (Integer,
 * Long or Double: compare through {@link Number#doubleValue()}).
 */
public final class TestJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private TestJson() {
    }

    /** The object that {@code json} holds; fails the test when it is not a JSON object. */
    public static Map<String, Object> parseObject(final String json) {
        try {
            return MAPPER.readValue(json, new TypeReference<LinkedHashMap<String, Object>>() { });
        } catch (final JsonProcessingException e) {
            throw new AssertionError("not a JSON object: " + e.getOriginalMessage(), e);
        }
    }
}
