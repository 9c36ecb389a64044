package org.kvsched.core.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.kvsched.core.model.WorkloadRequest;

class WorkloadTest {

    @Test
    void totalsAndDuration() {
        final Workload w = new Workload("w", List.of(new WorkloadRequest(0, 5, 10, 1), new WorkloadRequest(1, 5, 20, 2), new WorkloadRequest(2, 2_000_005, 30, 3)));
        assertEquals(60, w.totalPromptTokens());
        assertEquals(6, w.totalOutputTokens());
        assertEquals(2_000_000, w.durationUs());
        assertEquals(1.0, w.meanRatePerSecond(), 1e-12);
        assertEquals(3, w.size());
    }

    @Test
    void emptyAndSingleHaveZeroDuration() {
        assertEquals(0, new Workload("e", List.of()).durationUs());
        assertEquals(0.0, new Workload("one", List.of(new WorkloadRequest(0, 9, 1, 1))).meanRatePerSecond());
    }

    @Test
    void rejectsUnsortedOrMisnumberedRequests() {
        assertThrows(IllegalArgumentException.class,
                () -> new Workload("w", List.of(new WorkloadRequest(0, 10, 1, 1), new WorkloadRequest(1, 5, 1, 1))));
        assertThrows(IllegalArgumentException.class,
                () -> new Workload("w", List.of(new WorkloadRequest(1, 10, 1, 1))));
        assertThrows(IllegalArgumentException.class, () -> new Workload(" ", List.of()));
    }

    @Test
    void requestListIsCopied() {
        final List<WorkloadRequest> list = new ArrayList<>(List.of(new WorkloadRequest(0, 0, 1, 1)));
        final Workload w = new Workload("w", list);
        list.clear();
        assertEquals(1, w.size());
        assertThrows(UnsupportedOperationException.class, () -> w.requests().clear());
    }
}
