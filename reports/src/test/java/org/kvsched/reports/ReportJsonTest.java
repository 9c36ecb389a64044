package org.kvsched.reports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

/** The JSON layout and number rules of report files (what the hand-written writer did before Jackson). */
class ReportJsonTest {

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
        m.put("h", Thread.State.NEW);
        assertEquals("{\n  \"a\": 1,\n  \"b\": 2,\n  \"c\": 2.5,\n  \"d\": [\n    true,\n    \"x\"\n  ],\n"
                + "  \"e\": {},\n  \"f\": [],\n  \"g\": null,\n  \"h\": \"NEW\"\n}", ReportJson.write(m));
    }

    @Test
    void nonFiniteNumbersBecomeNull() {
        assertEquals("[\n  null,\n  null,\n  null,\n  0,\n  1.0E300,\n  -3\n]",
                ReportJson.write(Arrays.asList(Double.NaN, Double.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -0.0, 1e300, -3.0)));
        assertEquals("[\n  null,\n  1,\n  0.5\n]", ReportJson.write(new double[] {Double.NaN, 1, 0.5}));
    }

    @Test
    void otherNumberTypesAreExact() {
        assertEquals("9007199254740993", ReportJson.write(9007199254740993L));
        assertEquals("0.1", ReportJson.write(0.1f));
        assertEquals("1.25", ReportJson.write(new BigDecimal("1.25")));
        assertEquals("12345678901234567890", ReportJson.write(new BigInteger("12345678901234567890")));
    }

    @Test
    void escapesAndRoundTripsAwkwardStrings() throws Exception {
        final String nasty = "quote \" backslash \\ slash / nl \n cr \r tab \t bs \b ff \f nul \u0000 us \u001f "
                + "del \u007f e\u0301 \u00e9 \u4e2d \ud83d\ude00 end";
        final String json = ReportJson.write(Map.of(nasty, nasty));
        for (final char c : json.toCharArray()) {
            assertTrue(c >= 0x20 || c == '\n', "raw control char " + (int) c);
        }
        assertFalse(json.contains("NaN"));
        assertEquals(Map.of(nasty, nasty), new ObjectMapper().readValue(json, Map.class));
    }
}
