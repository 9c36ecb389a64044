package org.kvsched.core.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.kvsched.core.exec.ModelCatalog;
import org.kvsched.core.exec.ModelProfile;
import org.kvsched.core.metrics.Summary;
import org.kvsched.core.model.LengthPredictor;
import org.kvsched.core.model.WorkloadRequest;

class SimulationEngineTest {

    @Test
    void smallWorkloadCompletesUnderVllm() {
        final ModelProfile m = ModelCatalog.byName("llama2-7b-a100");
        final List<WorkloadRequest> reqs = SimulationHarness.randomRequests(1, 500, 50_000, 2000, 400);
        final SimulationHarness.Run run = SimulationHarness.run("fcfs-vllm", m.timeModel(), m.kvCapacityTokens(),
                m.blockSize(), 1, "round-robin", LengthPredictor.oracle(), reqs);
        final Summary s = run.metrics().summary(1, m.kvCapacityTokens());
        System.out.println(s);
        assertEquals(500, s.completed());
        assertTrue(s.plans() < s.iterations());
    }
}
