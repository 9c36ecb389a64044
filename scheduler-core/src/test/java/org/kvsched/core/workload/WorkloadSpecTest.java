package org.kvsched.core.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.kvsched.core.workload.Stats.assertNear;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kvsched.core.model.WorkloadRequest;

class WorkloadSpecTest {

    private static final WorkloadOptions RAW = WorkloadOptions.defaults().withMaxContextTokens(0);

    @TempDir
    Path dir;

    @Test
    void parsesTheDocumentedExamples() {
        assertEquals(new WorkloadSpec(ArrivalProcess.poisson(5), 1000, LengthDistribution.fixed(512), LengthDistribution.fixed(20)),
                WorkloadSpec.parse("poisson:rate=5,n=1000,prompt=fixed:512,output=fixed:20"));
        assertEquals(new WorkloadSpec(ArrivalProcess.gamma(5.53, 1.09), 2000, LengthDistribution.lognormal(1020, 0.5, 2, 14050),
                        LengthDistribution.uniform(1, 100)),
                WorkloadSpec.parse("gamma:rate=5.53,cv=1.09,n=2000,prompt=lognormal:1020:0.5:2:14050,output=uniform:1:100"));
        assertEquals(new WorkloadSpec(ArrivalProcess.atOnce(), 100, LengthDistribution.uniform(1, 5), LengthDistribution.uniform(1, 45)),
                WorkloadSpec.parse("static:n=100,prompt=uniform:1:5,output=uniform:1:45"));
        assertEquals(new WorkloadSpec(ArrivalProcess.uniform(2), 3, LengthDistribution.fixed(1), LengthDistribution.fixed(2)),
                WorkloadSpec.parse("  uniform : output = fixed:2 , n=3, rate=2 ,prompt=fixed:1 "));
        assertEquals(WorkloadSpec.defaultSpec(2000), WorkloadSpec.parse("default"));
        assertEquals(WorkloadSpec.defaultSpec(50), WorkloadSpec.parse("default:n=50"));
    }

    @Test
    void generatesWhatTheSpecSays() {
        final Workload w = Workloads.generate("static:n=100,prompt=uniform:1:5,output=uniform:1:45", RAW, 1);
        assertEquals(100, w.size());
        assertEquals("static:n=100,prompt=uniform:1:5,output=uniform:1:45 [no context cap]", w.name());
        for (final WorkloadRequest r : w.requests()) {
            assertEquals(0, r.arrivalUs());
            assertTrue(r.promptTokens() >= 1 && r.promptTokens() <= 5);
            assertTrue(r.outputTokens() >= 1 && r.outputTokens() <= 45);
        }
        final Workload p = Workloads.generate("poisson:rate=5,n=1000,prompt=fixed:512,output=fixed:20", WorkloadOptions.defaults(), 2);
        assertEquals(1000 * 512, p.totalPromptTokens());
        assertEquals(1000 * 20, p.totalOutputTokens());
        assertNear(5.0, p.meanRatePerSecond(), 0.1, "poisson spec rate");
        assertEquals("poisson:rate=5,n=1000,prompt=fixed:512,output=fixed:20", p.name());
    }

    @Test
    void seedsReproduceAndStreamsAreIndependent() {
        final String a = "gamma:rate=5.53,cv=1.09,n=500,prompt=lognormal:1020:0.5:2:14050,output=uniform:1:100";
        assertEquals(Workloads.generate(a, RAW, 9).requests(), Workloads.generate(a, RAW, 9).requests());
        assertNotEquals(Workloads.generate(a, RAW, 9).requests(), Workloads.generate(a, RAW, 10).requests());
        // Another output distribution must not move the arrivals or the prompts.
        final String b = "gamma:rate=5.53,cv=1.09,n=500,prompt=lognormal:1020:0.5:2:14050,output=fixed:7";
        final List<WorkloadRequest> ra = Workloads.generate(a, RAW, 9).requests();
        final List<WorkloadRequest> rb = Workloads.generate(b, RAW, 9).requests();
        for (int i = 0; i < ra.size(); i++) {
            assertEquals(ra.get(i).arrivalUs(), rb.get(i).arrivalUs());
            assertEquals(ra.get(i).promptTokens(), rb.get(i).promptTokens());
        }
        // maxRequests takes a prefix of the same workload.
        assertEquals(ra.subList(0, 100), Workloads.generate(a, RAW.withMaxRequests(100), 9).requests());
    }

    @Test
    void empiricalFromTheSameFileSamplesWholeRows() throws IOException {
        final Path file = dir.resolve("lengths.csv");
        Files.writeString(file, "num_prefill_tokens,num_decode_tokens\n100,1\n200,2\n300,3\n");
        final String path = file.toString();
        final Workload joint = Workloads.generate("poisson:rate=1,n=300,prompt=empirical:" + path + ",output=empirical:" + path, RAW, 4);
        final Set<Integer> seen = new HashSet<>();
        for (final WorkloadRequest r : joint.requests()) {
            assertEquals(100 * r.outputTokens(), r.promptTokens(), "row pairing kept");
            seen.add(r.promptTokens());
        }
        assertEquals(Set.of(100, 200, 300), seen);
        final Workload mixed = Workloads.generate("poisson:rate=1,n=300,prompt=empirical:" + path + ",output=fixed:9", RAW, 4);
        assertTrue(mixed.requests().stream().allMatch(r -> r.outputTokens() == 9 && Set.of(100, 200, 300).contains(r.promptTokens())));
    }

    private static String failure(final String spec) {
        return assertThrows(IllegalArgumentException.class, () -> WorkloadSpec.parse(spec)).getMessage();
    }

    @Test
    void errorsNameTheKeyAndTheAcceptedOnes() {
        String m = failure("weibull:rate=1,n=1,prompt=fixed:1,output=fixed:1");
        assertTrue(m.contains("unknown kind 'weibull'") && m.contains("[poisson, gamma, uniform, static, default]"), m);
        m = failure("poisson:rate=1,n=1,prompt=fixed:1,output=fixed:1,burst=3");
        assertTrue(m.contains("unknown key 'burst'") && m.contains("[rate, n, prompt, output]"), m);
        m = failure("static:rate=1,n=1,prompt=fixed:1,output=fixed:1");
        assertTrue(m.contains("unknown key 'rate' for kind static") && m.contains("[n, prompt, output]"), m);
        m = failure("gamma:rate=1,n=1,prompt=fixed:1,output=fixed:1");
        assertTrue(m.contains("missing key 'cv'"), m);
        m = failure("poisson:rate=1,rate=2,n=1,prompt=fixed:1,output=fixed:1");
        assertTrue(m.contains("'rate' given twice"), m);
        m = failure("poisson:rate=fast,n=1,prompt=fixed:1,output=fixed:1");
        assertTrue(m.contains("rate is not a number: 'fast'"), m);
        m = failure("poisson:rate=-1,n=1,prompt=fixed:1,output=fixed:1");
        assertTrue(m.contains("rate must be > 0"), m);
        m = failure("poisson:rate=1,n=0,prompt=fixed:1,output=fixed:1");
        assertTrue(m.contains("n must be >= 1"), m);
        m = failure("poisson:rate=1,n=1.5,prompt=fixed:1,output=fixed:1");
        assertTrue(m.contains("n is not an integer"), m);
        m = failure("poisson:rate=1,n=1,prompt=zipf:0.6,output=fixed:1");
        assertTrue(m.contains("prompt has unknown distribution 'zipf'") && m.contains("lognormal:<median>:<sigma>:<min>:<max>"), m);
        m = failure("poisson:rate=1,n=1,prompt=uniform:3,output=fixed:1");
        assertTrue(m.contains("prompt=uniform:3 needs 2 parameter(s)"), m);
        m = failure("poisson:rate=1,n=1,prompt=fixed:1,output=fixed:x");
        assertTrue(m.contains("output=fixed:x has a parameter that is not a number"), m);
        m = failure("poisson:rate=1,n=1,prompt=fixed:1,output=uniform:5:2");
        assertTrue(m.contains("output=uniform:5:2") && m.contains("lo <= hi"), m);
        m = failure("poisson:rate=1,n=1,prompt=empirical:/no/such/file.csv,output=fixed:1");
        assertTrue(m.contains("empirical file not found"), m);
        m = failure("poisson:rate=1,n,prompt=fixed:1,output=fixed:1");
        assertTrue(m.contains("expected key=value, got 'n'"), m);
        assertTrue(failure(" ").contains("empty workload spec"));
        assertTrue(failure("poisson").contains("missing key 'rate'"));
    }

    @Test
    void defaultSpecIsCalibratedAsDocumented() {
        final WorkloadSpec s = WorkloadSpec.defaultSpec(10);
        assertEquals(ArrivalProcess.gamma(5.53, 1.09), s.arrivals());
        final LengthDistribution.LogNormal p = assertInstanceOf(LengthDistribution.LogNormal.class, s.prompt());
        final LengthDistribution.LogNormal o = assertInstanceOf(LengthDistribution.LogNormal.class, s.output());
        assertEquals(List.of(1020.0, 2.0, 14050.0), List.of(p.median(), (double) p.min(), (double) p.max()));
        assertEquals(List.of(129.0, 7.0, 1000.0), List.of(o.median(), (double) o.min(), (double) o.max()));
        assertEquals(0.499, p.sigma(), 0.001);
        assertEquals(0.992, o.sigma(), 0.001);
        assertEquals(10, s.count());
    }
}
