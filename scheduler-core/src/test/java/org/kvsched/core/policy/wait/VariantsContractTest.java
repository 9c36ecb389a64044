package org.kvsched.core.policy.wait;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.kvsched.core.exec.ModelCatalog;
import org.kvsched.core.exec.ModelProfile;
import org.kvsched.core.model.LengthPredictor;
import org.kvsched.core.model.WorkloadRequest;
import org.kvsched.core.model.RequestEvent;
import org.kvsched.core.sim.SimulationHarness;

/**
 * The parameter variants the registry defaults do not reach (the contract suite runs defaults only): no
 * starvation, and the plan continuation changes nothing.
 */
class VariantsContractTest {

    @ParameterizedTest
    @ValueSource(strings = {"wait:gate-decodes=true", "nested-wait:gate-decodes=true", "wait:max-types=2",
            "nested-wait:max-segments=8", "gsa:beta=1", "gsa:overlap=false", "gsa:beta=64,overlap=false", "gba:overlap=false,beta=4", "wait:thresholds=3+1+0.2+1+1+1+1+1"})
    void variantsKeepTheContract(final String spec) {
        for (final String model : List.of("llama2-7b-a100:kv=8192", "unit:kv=64")) {
            final ModelProfile m = ModelCatalog.byName(model);
            final boolean unit = model.startsWith("unit");
            final List<WorkloadRequest> reqs = SimulationHarness.randomRequests(11, 150, unit ? 300_000 : 30_000, unit ? 8 : 1500, unit ? 40 : 500);
            final SimulationHarness.Run a = SimulationHarness.run(spec, m.timeModel(), m.kvCapacityTokens(), m.blockSize(), 1,
                    "round-robin", LengthPredictor.oracle(), reqs);
            final SimulationHarness.Run b = SimulationHarness.run(spec + "!", m.timeModel(), m.kvCapacityTokens(), m.blockSize(), 1,
                    "round-robin", LengthPredictor.oracle(), reqs);
            assertEquals(0, a.stats().stalledRejected(), spec + " on " + model);
            final Comparator<RequestEvent> order = Comparator.comparingLong(RequestEvent::requestId)
                    .thenComparingLong(RequestEvent::timeUs).thenComparing(RequestEvent::kind);
            final List<RequestEvent> x = new ArrayList<>(a.events());
            final List<RequestEvent> y = new ArrayList<>(b.events());
            x.sort(order);
            y.sort(order);
            for (int i = 0; i < Math.min(x.size(), y.size()); i++) {
                assertEquals(y.get(i), x.get(i), spec + " on " + model + ": continuation changed the results (first difference)");
            }
            assertEquals(y.size(), x.size(), spec + " on " + model);
        }
    }
}
