package org.kvsched.core.engine;

import org.kvsched.core.model.Request;
import org.kvsched.core.policy.Decision;

/**
 * One entry of a replica log: an input the replica accepted (with the time the scheduler used for it),
 * a decision it applied, the policy that took over, or a snapshot of its whole state. The log of a replica
 * is what {@link RecordedReplica} writes and what a restore reads; a transport only stores the entries.
 * Arrays inside entries are not copied: do not modify them.
 */
public sealed interface LogEntry {

    /** True for the entries that are inputs (the rest is what the replica derived from them). */
    default boolean isInput() {
        return false;
    }

    /** A request delivered to the replica (its arrival time is the time used). */
    record Arrival(Request request) implements LogEntry {
        @Override
        public boolean isInput() {
            return true;
        }
    }

    /** The end-of-input marker. @param replicas replicas in the run */
    record EndOfInput(int replicas) implements LogEntry {
        @Override
        public boolean isInput() {
            return true;
        }
    }

    /**
     * A worker's report.
     *
     * @param report the report
     * @param atUs   when the scheduler applied it, microseconds (live; in virtual time the report's own end)
     */
    record Report(StepReport report, long atUs) implements LogEntry {
        @Override
        public boolean isInput() {
            return true;
        }
    }

    /** An input that was refused (it went to an error channel); only counted. */
    record Refused() implements LogEntry {
        @Override
        public boolean isInput() {
            return true;
        }
    }

    /** A wall-clock timer fired at {@code atUs} (live: for policies that wait). */
    record Tick(long atUs) implements LogEntry {
        @Override
        public boolean isInput() {
            return true;
        }
    }

    /**
     * A decision the policy returned and the scheduler applied.
     *
     * @param atUs        decision time, microseconds
     * @param decision    the decision
     * @param policyState the policy's private state after deciding ({@link org.kvsched.core.policy.Policy#saveState})
     */
    record Decided(long atUs, Decision decision, long[] policyState) implements LogEntry {
    }

    /** From here on decisions come from this policy. @param policy the policy's spec ({@code kind:k=v,...}) */
    record PolicyInstalled(String policy) implements LogEntry {
    }

    /**
     * The replica's whole state: a restore starts from the latest one and needs no entry before it.
     *
     * @param scheduler   the scheduler's state
     * @param loop        the replica loop's state
     * @param policy      the spec of the policy in charge
     * @param policyState its private state
     */
    record Snapshot(SchedulerState scheduler, ReplicaLoop.LoopState loop, String policy, long[] policyState) implements LogEntry {
    }
}
