package org.kvsched.reports;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;

/**
 * Writes report values as JSON with Jackson: pretty-printed with a 2-space indent, {@code "key": value},
 * empty containers as {@code {}} and {@code []}, no trailing newline; maps in their iteration order (use a
 * {@link java.util.LinkedHashMap} for a fixed key order), enums by name.
 *
 * <p>Numbers: a finite double or float with an integral value below 2^53 is written without a fraction
 * ({@code 3}, not {@code 3.0}); NaN and infinities become {@code null}, because JSON has no representation
 * for them and a reader would otherwise reject the whole file. Thread-safe.
 */
public final class ReportJson {

    /** Doubles at or above this magnitude may not be integers exactly, so they keep their exponent form. */
    private static final double EXACT_INTEGER_LIMIT = 9.007199254740992E15;

    private static final ObjectWriter WRITER = writer();

    private ReportJson() {
    }

    /**
     * The JSON text of {@code value}: a {@link java.util.Map}, {@link java.util.Collection}, array, string,
     * number, boolean, enum or null, nested freely.
     *
     * @throws IllegalArgumentException if Jackson cannot write the value
     */
    public static String write(final Object value) {
        try {
            return WRITER.writeValueAsString(value);
        } catch (final JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write " + value.getClass().getName() + " as JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static ObjectWriter writer() {
        final SimpleModule numbers = new SimpleModule("report-numbers");
        numbers.addSerializer(Double.class, new FloatingSerializer<>(Double.class));
        numbers.addSerializer(Double.TYPE, new FloatingSerializer<>(Double.TYPE));
        numbers.addSerializer(Float.class, new FloatingSerializer<>(Float.class));
        numbers.addSerializer(Float.TYPE, new FloatingSerializer<>(Float.TYPE));
        numbers.addSerializer(double[].class, new DoubleArraySerializer());
        final DefaultIndenter indenter = new DefaultIndenter("  ", "\n");
        final DefaultPrettyPrinter printer = new DefaultPrettyPrinter()
                .withSeparators(Separators.createDefaultInstance()
                        .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                        .withObjectEmptySeparator("")
                        .withArrayEmptySeparator(""));
        printer.indentObjectsWith(indenter);
        printer.indentArraysWith(indenter);
        return new ObjectMapper().registerModule(numbers).writer(printer);
    }

    private static void writeFloating(final double v, final JsonGenerator gen) throws IOException {
        if (!Double.isFinite(v)) {
            gen.writeNull();
        } else if (v == Math.rint(v) && Math.abs(v) < EXACT_INTEGER_LIMIT) {
            // (long) also turns -0.0 into 0, which is what a reader expects to see.
            gen.writeNumber((long) v);
        } else {
            gen.writeNumber(v);
        }
    }

    /** Doubles and floats by the rules above; a float keeps its short decimal form (0.1, not 0.10000000149). */
    private static final class FloatingSerializer<T extends Number> extends StdSerializer<T> {
        private static final long serialVersionUID = 1L;

        FloatingSerializer(final Class<T> type) {
            super(type);
        }

        @Override
        public void serialize(final T value, final JsonGenerator gen, final SerializerProvider provider) throws IOException {
            if (value instanceof Float f && Float.isFinite(f) && f != Math.rint(f)) {
                gen.writeNumber(f);
            } else {
                writeFloating(value.doubleValue(), gen);
            }
        }
    }

    /** Jackson writes {@code double[]} with its own serializer, which would bypass the number rules. */
    private static final class DoubleArraySerializer extends StdSerializer<double[]> {
        private static final long serialVersionUID = 1L;

        DoubleArraySerializer() {
            super(double[].class);
        }

        @Override
        public void serialize(final double[] values, final JsonGenerator gen, final SerializerProvider provider) throws IOException {
            gen.writeStartArray(values, values.length);
            for (final double v : values) {
                writeFloating(v, gen);
            }
            gen.writeEndArray();
        }
    }
}
