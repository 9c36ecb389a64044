package org.kvsched.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kvsched.core.policy.PolicyFactory;
import org.kvsched.core.policy.PolicyKind;

class CompareCommandTest {

    @Test
    void runsEveryPolicyAtEveryRateScale(@TempDir final Path dir) throws Exception {
        final Path json = dir.resolve("cmp.json");
        final CliRunner.Result r = CliRunner.run("compare", "--policies", "fcfs-vllm,sarathi:chunk-size=256,max-num-seqs=64",
                "--rate-scales", "1,2", "--requests", "200", "--json", json.toString(), "--report", dir.resolve("rep").toString());
        assertEquals(0, r.exitCode(), r.err());
        final Map<String, Object> m = TestJson.parseObject(Files.readString(json));
        @SuppressWarnings("unchecked")
        final List<Map<String, Object>> runs = (List<Map<String, Object>>) m.get("runs");
        assertEquals(4, runs.size());
        assertTrue(runs.stream().anyMatch(x -> x.get("policy").toString().startsWith("sarathi:")), runs.toString());
        final String html = Files.readString(dir.resolve("rep/index.html"));
        assertTrue(html.contains("fcfs-vllm") && html.contains("sarathi"), "report names both policies");
    }

    @Test
    void acceptsEveryRegisteredPolicy() {
        final StringBuilder all = new StringBuilder();
        for (final PolicyFactory k : PolicyKind.all()) {
            if (k.offline()) {
                continue; // built from the whole workload with its own model requirements (hindsight-opt)
            }
            if (all.length() > 0) {
                all.append(',');
            }
            all.append(k.name());
        }
        final CliRunner.Result r = CliRunner.run("compare", "--policies", all.toString(), "--requests", "60");
        assertEquals(0, r.exitCode(), r.err());
        for (final PolicyFactory k : PolicyKind.all()) {
            if (k.offline()) {
                continue;
            }
            assertTrue(r.out().contains(k.name()), k.name() + " missing from\n" + r.out());
        }
    }

    @Test
    void splitsPolicySpecsWithParameters() {
        assertEquals(List.of("a", "b:x=1,y=2", "c"), CompareCommand.splitPolicySpecs("a,b:x=1,y=2,c"));
    }
}
