package org.kvsched.cli.experiment.mcsf;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.kvsched.core.exec.ModelCatalog;
import org.kvsched.core.model.WorkloadRequest;
import org.kvsched.core.workload.Workload;

/** The authors' time model of the trace study: a round per prompt, their batch-time formula. */
class McsfTraceExperimentTest {

    @Test
    void thePromptRoundIsOneMoreOutputTokenPerRequest() {
        final Workload w = new Workload("w", List.of(new WorkloadRequest(0, 0, 10, 1), new WorkloadRequest(1, 5, 3, 7)));
        final Workload rounds = McsfTraceExperiment.withPromptRound(w);
        assertEquals(List.of(new WorkloadRequest(0, 0, 10, 2), new WorkloadRequest(1, 5, 3, 8)), rounds.requests());
    }

    @Test
    void theAuthorsModelIsTheCatalogEntryWithThePapersBudget() {
        final var profile = ModelCatalog.byName(McsfTraceExperiment.AUTHORS_MODEL);
        assertEquals(16_492, profile.kvCapacityTokens());
        assertEquals(1, profile.blockSize());
    }
}
