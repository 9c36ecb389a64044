package org.kvsched.cli;

import org.kvsched.core.exec.ModelCatalog;
import org.kvsched.core.exec.ModelProfile;
import org.kvsched.core.model.LengthPredictor;
import org.kvsched.core.sim.Router;

import picocli.CommandLine.Option;

/** Model, replica and predictor options shared by every command that runs requests (a picocli mixin). */
public final class DeploymentArgs {

    @Option(names = "--model", paramLabel = "NAME", defaultValue = ModelCatalog.DEFAULT_NAME,
            description = "Model profile, optionally with parameters (e.g. llama2-70b-a100-tp4, linear:d0=4.6,d1=0.0034); "
                    + "see 'kvsched models' (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--kv-capacity", paramLabel = "TOKENS", defaultValue = "0",
            description = "Override the model's KV capacity per replica, tokens (0 = the profile's).")
    int kvCapacity;

    @Option(names = "--replicas", paramLabel = "N", defaultValue = "1", description = "Number of replicas (default: ${DEFAULT-VALUE}).")
    int replicas;

    @Option(names = "--routing", paramLabel = "RULE", defaultValue = "round-robin",
            description = "Routing of arrivals to replicas: round-robin or least-outstanding (default: ${DEFAULT-VALUE}).")
    String routing;

    @Option(names = "--predictor", paramLabel = "SPEC", defaultValue = "oracle",
            description = "Output-length predictor: oracle, none, noise:EPS, bucket:WIDTH (default: ${DEFAULT-VALUE}).")
    String predictor;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1", description = "Seed for generators, predictor noise and policies (default: ${DEFAULT-VALUE}).")
    long seed;

    /** The model profile with any capacity override; fails with one line on a bad name or parameter. */
    ModelProfile profile() {
        return ModelCatalog.configured(model, kvCapacity, "--model/--kv-capacity");
    }

    LengthPredictor lengthPredictor() {
        return LengthPredictor.parse(predictor, seed);
    }

    /** Checks the replica count and routing rule. */
    void validate() {
        if (replicas < 1) {
            throw new IllegalArgumentException("--replicas must be >= 1, got " + replicas);
        }
        Router.byName(routing);
    }
}
