package org.kvsched.schemas.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;

import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.specific.SpecificData;
import org.junit.jupiter.api.Test;
import org.kvsched.schemas.topic.TopicCatalog;
import org.kvsched.schemas.topic.TopicSpec;

/**
 * Schema evolution rules: every topic's value schema is compatible in both directions with the
 * latest released version (new readers read old records, old readers read new records), and every
 * field and type carries a doc.
 */
class SchemaCompatibilityTest {

    private static Schema current(final TopicSpec<?, ?> topic) {
        return SpecificData.get().getSchema(topic.valueType());
    }

    @Test
    void everyTopicValueHasAReleasedVersion() {
        final SchemaHistory history = SchemaHistory.released();
        for (final TopicSpec<?, ?> topic : TopicCatalog.defaults().all()) {
            assertFalse(history.versions(topic.valueType().getSimpleName()).isEmpty(),
                    "no released version of " + topic.valueType().getSimpleName() + " under src/main/resources/avro-history");
        }
    }

    @Test
    void currentSchemasAreFullyCompatibleWithTheLatestRelease() {
        final SchemaHistory history = SchemaHistory.released();
        final List<String> problems = new ArrayList<>();
        for (final TopicSpec<?, ?> topic : TopicCatalog.defaults().all()) {
            final Schema now = current(topic);
            final List<Schema> released = history.versions(now.getName());
            final Schema latest = released.get(released.size() - 1);
            check(problems, now.getName() + ": current reads latest release", now, latest);
            check(problems, now.getName() + ": latest release reads current", latest, now);
        }
        if (!problems.isEmpty()) {
            fail(String.join("\n", problems));
        }
    }

    @Test
    void releasedVersionsOfATypeAreBackwardCompatibleWithEachOther() {
        final SchemaHistory history = SchemaHistory.released();
        final List<String> problems = new ArrayList<>();
        for (final String type : history.types()) {
            final List<Schema> versions = history.versions(type);
            for (int i = 1; i < versions.size(); i++) {
                check(problems, type + " v" + (i + 1) + " reads v" + i, versions.get(i), versions.get(i - 1));
            }
        }
        if (!problems.isEmpty()) {
            fail(String.join("\n", problems));
        }
    }

    @Test
    void theCheckerCatchesAnIncompatibleChange() {
        final Schema now = SpecificData.get().getSchema(org.kvsched.schemas.avro.StepReport.class);
        // A new required field without a default cannot read old records.
        final Schema broken = new Schema.Parser().parse(now.toString().replace("\"fields\":[",
                "\"fields\":[{\"name\":\"gpu\",\"type\":\"string\",\"doc\":\"x\"},"));
        assertEquals(SchemaCompatibilityType.INCOMPATIBLE,
                SchemaCompatibility.checkReaderWriterCompatibility(broken, now).getType());
    }

    @Test
    void everyFieldHasADoc() {
        for (final TopicSpec<?, ?> topic : TopicCatalog.defaults().all()) {
            assertDocumented(current(topic), new ArrayList<>());
        }
    }

    private static void assertDocumented(final Schema s, final List<String> seen) {
        switch (s.getType()) {
            case RECORD:
                if (seen.contains(s.getFullName())) {
                    return;
                }
                seen.add(s.getFullName());
                assertTrue(s.getDoc() != null && !s.getDoc().isBlank(), "record " + s.getFullName() + " has no doc");
                for (final Schema.Field f : s.getFields()) {
                    assertTrue(f.doc() != null && !f.doc().isBlank(), s.getName() + "." + f.name() + " has no doc");
                    assertDocumented(f.schema(), seen);
                }
                break;
            case ENUM:
                assertTrue(s.getDoc() != null && !s.getDoc().isBlank(), "enum " + s.getFullName() + " has no doc");
                break;
            case UNION:
                s.getTypes().forEach(t -> assertDocumented(t, seen));
                break;
            case ARRAY:
                assertDocumented(s.getElementType(), seen);
                break;
            default:
                break;
        }
    }

    private static void check(final List<String> problems, final String what, final Schema reader, final Schema writer) {
        final SchemaCompatibility.SchemaPairCompatibility result = SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
        if (result.getType() != SchemaCompatibilityType.COMPATIBLE) {
            problems.add(what + ": " + result.getResult().getIncompatibilities());
        }
    }
}
