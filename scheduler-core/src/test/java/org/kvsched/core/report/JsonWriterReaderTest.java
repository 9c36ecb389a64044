package org.kvsched.core.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** JsonWriter output format and escaping, and JsonReader parsing it (and rejecting what is not JSON). */
class JsonWriterReaderTest {

    @Test
    void prettyPrintsWithTwoSpaceIndentAndIntegersWithoutFraction() {
        final Map<String, Object> m = new LinkedHashMap<>();
        m.put("a", 1);
        m.put("b", 2.0);
        m.put("c", 2.5);
        m.put("d", List.of(true, "x"));
        m.put("e", Map.of());
        m.put("f", List.of());
        m.put("g", null);
        assertEquals("{\n  \"a\": 1,\n  \"b\": 2,\n  \"c\": 2.5,\n  \"d\": [\n    true,\n    \"x\"\n  ],\n"
                + "  \"e\": {},\n  \"f\": [],\n  \"g\": null\n}", JsonWriter.write(m));
    }

    @Test
    void nonFiniteNumbersBecomeNull() {
        assertEquals("[\n  null,\n  null,\n  null,\n  0,\n  1.0E300,\n  -3\n]",
                JsonWriter.write(Arrays.asList(Double.NaN, Double.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -0.0, 1e300, -3.0)));
        assertFalse(JsonWriter.write(new double[] {Double.NaN, 1}).contains("NaN"));
    }

    @Test
    void otherNumberTypesAreExact() {
        assertEquals("9007199254740993", JsonWriter.write(9007199254740993L));
        assertEquals("0.1", JsonWriter.write(0.1f));
        assertEquals("1.25", JsonWriter.write(new BigDecimal("1.25")));
        assertEquals("12345678901234567890", JsonWriter.write(new java.math.BigInteger("12345678901234567890")));
    }

    @Test
    void escapesAndRoundTripsAwkwardStrings() {
        final String nasty = "quote \" backslash \\ slash / nl \n cr \r tab \t bs \b ff \f nul \u0000 us \u001f "
                + "del \u007f e\u0301 \u00e9 \u4e2d \ud83d\ude00 ls \u2028 ps \u2029 lone \ud800 end";
        final String json = JsonWriter.write(Map.of(nasty, nasty));
        assertTrue(json.contains("\\\"") && json.contains("\\\\") && json.contains("\\n") && json.contains("\\u0000")
                && json.contains("\\u001f") && json.contains("\\u2028") && json.contains("\\ud800"), json);
        // Raw control characters must never reach the output.
        for (final char c : json.toCharArray()) {
            assertTrue(c >= 0x20 || c == '\n', "raw control char " + (int) c);
        }
        assertTrue(json.contains("\ud83d\ude00"), "valid pairs are written as they are");
        assertEquals(Map.of(nasty, nasty), JsonReader.parse(json));
    }

    @Test
    void readsNestedDocumentsNumbersAndEscapes() {
        final Object v = JsonReader.parse(" {\"a\": [1, -2.5e3, 0.5E-2, 0, -0, 1e+2], \"b\": {\"c\": null, \"d\": [true, false, []]},"
                + " \"e\": \"\\u00e9\\/\\ud83d\\ude00\", \"f\": {}}\n");
        final Map<?, ?> m = (Map<?, ?>) v;
        assertEquals(List.of(1.0, -2500.0, 0.005, 0.0, -0.0, 100.0), m.get("a"));
        final Map<?, ?> b = (Map<?, ?>) m.get("b");
        assertTrue(b.containsKey("c"));
        assertNull(b.get("c"));
        assertEquals(List.of(true, false, List.of()), b.get("d"));
        assertEquals("\u00e9/\ud83d\ude00", m.get("e"));
        assertEquals(Map.of(), m.get("f"));
        assertEquals(List.of("a", "b", "e", "f"), new ArrayList<>(m.keySet()), "document order is kept");
        assertEquals("x", JsonReader.parse("\"x\""));
        assertEquals(3.0, JsonReader.parse("3"));
    }

    @Test
    void rejectsInvalidJson() {
        for (final String bad : List.of("", "{", "[1,]", "{\"a\":1,}", "01", "1.", ".5", "-", "1e", "+1", "[1 2]",
                "{\"a\" 1}", "{a:1}", "\"abc", "\"\\x\"", "\"\\u12\"", "\"a\nb\"", "tru", "nul", "[1] x", "{\"a\":1,\"a\":2}",
                "NaN", "// c\n1")) {
            assertThrows(IllegalArgumentException.class, () -> JsonReader.parse(bad), bad);
        }
        assertThrows(IllegalArgumentException.class, () -> JsonReader.parseObject("[1]"));
        assertThrows(IllegalArgumentException.class, () -> JsonReader.parse("[".repeat(JsonReader.MAX_DEPTH + 1)));
    }

    @Test
    void rejectsValuesItCannotWrite() {
        assertThrows(IllegalArgumentException.class, () -> JsonWriter.write(new Object()));
        final Map<String, Object> m = new LinkedHashMap<>();
        m.put(null, 1);
        assertThrows(IllegalArgumentException.class, () -> JsonWriter.write(m));
    }
}
