package org.kvsched.core.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import org.junit.jupiter.api.Test;
import org.kvsched.core.model.Request;
import org.kvsched.core.model.WorkloadRequest;
import org.kvsched.core.policy.Decision;
import org.kvsched.core.policy.Policy;
import org.kvsched.core.policy.SchedulerView;
import org.kvsched.core.workload.Workload;

/**
 * The scheduler knows what a real one knows: the mechanism and the online policies cannot reach the
 * simulation's true output lengths ({@link WorkloadRequest}, {@link Workload}), by construction of the types
 * and checked on the compiled classes. The offline hindsight optimum is exempt: it is defined by knowing the
 * future. Policies whose thresholds are derived from workload statistics (WAIT) read each request's prompt and
 * its {@code max_tokens} cap, never its true length: no class of the policy packages but the hindsight ones
 * may call {@code WorkloadRequest.outputTokens()} or {@code totalTokens()}.
 */
class GroundTruthRuleTest {

    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("org.kvsched.core");

    private static final ArchRule MECHANISM = noClasses().that().resideInAPackage("org.kvsched.core.engine..")
            .should().dependOnClassesThat().belongToAnyOf(WorkloadRequest.class, Workload.class)
            .because("the scheduling mechanism learns lengths only from worker reports");

    private static final ArchRule POLICIES = noClasses().that().implement(Policy.class)
            .and().resideOutsideOfPackage("org.kvsched.core.policy.hindsight..")
            .should().dependOnClassesThat().belongToAnyOf(WorkloadRequest.class, Workload.class)
            .because("an online policy sees predictions, never true lengths");

    private static final ArchRule CALIBRATION = noClasses().that().resideInAPackage("org.kvsched.core.policy..")
            .and().resideOutsideOfPackage("org.kvsched.core.policy.hindsight..")
            .should().callMethod(WorkloadRequest.class, "outputTokens")
            .orShould().callMethod(WorkloadRequest.class, "totalTokens")
            .because("workload-derived policy parameters use what clients declare (prompt, max_tokens), not true lengths");

    @Test
    void policyCalibrationReadsNoTrueLength() {
        CALIBRATION.check(MAIN);
    }

    @Test
    void theMechanismCannotReachTrueLengths() {
        MECHANISM.check(MAIN);
    }

    @Test
    void onlinePoliciesCannotReachTrueLengths() {
        POLICIES.check(MAIN);
    }

    @Test
    void theRequestTheSchedulerHoldsHasNoTrueLength() {
        // Its components: what a client sends plus a prediction. No accessor of WorkloadRequest's truth exists on it.
        assertTrue(Arrays.stream(Request.class.getRecordComponents()).noneMatch(c -> c.getName().equals("outputTokens")));
        assertFalse(WorkloadRequest.class.isAssignableFrom(Request.class));
    }

    /** A policy that peeks at the truth: the rule must catch it (so the rule is not vacuous). */
    static final class PeekingPolicy implements Policy {
        private final WorkloadRequest truth = new WorkloadRequest(0, 0, 1, 1);

        @Override
        public String name() {
            return "peeking";
        }

        @Override
        public Decision decide(final SchedulerView view) {
            return truth.outputTokens() > 0 ? Decision.IDLE : Decision.IDLE;
        }
    }

    @Test
    void theRuleCatchesAPolicyThatPeeks() {
        final EvaluationResult r = POLICIES.evaluate(new ClassFileImporter().importClasses(PeekingPolicy.class));
        assertTrue(r.hasViolation(), "a policy depending on WorkloadRequest must violate the rule");
    }
}
