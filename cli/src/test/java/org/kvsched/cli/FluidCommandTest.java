package org.kvsched.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FluidCommandTest {

    @Test
    void singleTypeOnTheLinearModelMatchesTheFormulas(@TempDir final Path dir) throws Exception {
        final Path json = dir.resolve("fluid.json");
        final CliRunner.Result r = CliRunner.run("fluid", "--workload", "uniform:rate=20,n=2001,prompt=fixed:512,output=fixed:20",
                "--model", "linear", "--json", json.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("verdict: stable on this GPU"), r.out());
        assertTrue(r.out().contains("512x20"), r.out());
        final Map<String, Object> m = TestJson.parseObject(Files.readString(json));
        // uniform arrivals at 20 req/s, d0 = 4.6 ms, d1 = 0.0034 ms: d1 S = 3.4e-6 * 20 * 10,430 = 0.70924.
        assertEquals(0.70924, ((Number) m.get("d1_s")).doubleValue(), 1e-6);
        assertEquals(0.0046 / 0.29076, ((Number) m.get("delta_t_star_s")).doubleValue(), 1e-9);
        assertEquals(true, m.get("stable"));
        @SuppressWarnings("unchecked")
        final List<Map<String, Object>> types = (List<Map<String, Object>>) m.get("types");
        assertEquals(1, types.size());
        assertEquals(10_430.0, ((Number) types.get(0).get("w")).doubleValue(), 1e-9);
    }

    @Test
    void saysWhichConditionFails() {
        final CliRunner.Result service = CliRunner.run("fluid", "--workload", "poisson:rate=40,n=500,prompt=fixed:512,output=fixed:20");
        assertEquals(0, service.exitCode(), service.err());
        assertTrue(service.out().contains("verdict: unstable: service condition fails"), service.out());
        final CliRunner.Result memory = CliRunner.run("fluid", "--workload", "poisson:rate=3,n=500,prompt=fixed:512,output=fixed:1000",
                "--model", "llama2-7b-a100");
        assertEquals(0, memory.exitCode(), memory.err());
        assertTrue(memory.out().contains("verdict: unstable: memory condition fails"), memory.out());
        assertTrue(memory.out().contains("memory condition  M* <= C") && memory.out().contains("FAILS"), memory.out());
    }

    @Test
    void bucketsAHeterogeneousWorkloadAndRejectsStaticOnes() {
        final CliRunner.Result r = CliRunner.run("fluid", "--requests", "400", "--max-types", "4");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("4 output-length buckets"), r.out());
        assertTrue(r.out().contains("verdict: "), r.out());
        final CliRunner.Result bad = CliRunner.run("fluid", "--workload", "static:n=10,prompt=fixed:10,output=fixed:10");
        assertEquals(2, bad.exitCode());
        assertTrue(bad.err().contains("no arrival rate"), bad.err());
    }
}
